// Bounds a promise in time: the caller stops waiting after `ms` (the work itself may still finish).
export function withDeadline<T>(promise: Promise<T>, ms: number, timeoutError: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError()), ms);
  });
  return Promise.race([promise, expiry]).finally(() => clearTimeout(timer));
}
