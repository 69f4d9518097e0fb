import type { Request, Response } from 'express';

/**
 * One step of the request pipeline: it calls `next()` to go on, `next(err)` to end the request
 * with an error (rendered by api/respond.ts), or answers itself.
 */
export type Step = (req: Request, res: Response, next: (err?: unknown) => void) => void;
