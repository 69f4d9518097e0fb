import { review, type ResourceInfo } from './resource-info.js';

/**
 * Create-only kinds answered in place and never stored: listed in discovery and OpenAPI, routed
 * by api/app.ts. Kept out of RESOURCES, which drives storage.
 */
export const REVIEWS: readonly ResourceInfo[] = [
  review('authentication.k8s.io', 'selfsubjectreviews', 'SelfSubjectReview', false),
  review('authentication.k8s.io', 'tokenreviews', 'TokenReview', false),
  review('authorization.k8s.io', 'localsubjectaccessreviews', 'LocalSubjectAccessReview', true),
  review('authorization.k8s.io', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview', false),
  review('authorization.k8s.io', 'selfsubjectrulesreviews', 'SelfSubjectRulesReview', false),
  review('authorization.k8s.io', 'subjectaccessreviews', 'SubjectAccessReview', false),
];
