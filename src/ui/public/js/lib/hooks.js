// Data hooks: load from the API with loading/error state, and poll while something is running.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api } from './api.js';

/**
 * Loads `path` (with `query`) and reloads when either changes. `path` null skips loading (the
 * caller lacks permission or has nothing to ask yet).
 */
export function useApi(path, query) {
  const key = path === null ? null : `${path}?${JSON.stringify(query ?? {})}`;
  const [state, setState] = useState({ data: undefined, error: null, loading: path !== null });
  const generation = useRef(0);

  const load = useCallback(async () => {
    if (path === null) return;
    const mine = ++generation.current;
    setState((previous) => ({ ...previous, loading: true }));
    try {
      const data = await api.get(path, query);
      if (mine === generation.current) setState({ data, error: null, loading: false });
    } catch (error) {
      if (mine === generation.current) setState((previous) => ({ data: previous.data, error, loading: false }));
    }
  }, [key]); // `key` stands for path and query

  useEffect(() => {
    void load();
  }, [load]);

  return { ...state, reload: load };
}

/** Calls `tick` every `intervalMs` while `active`; stops on unmount. */
export function usePolling(tick, intervalMs, active) {
  const saved = useRef(tick);
  saved.current = tick;
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => saved.current(), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, active]);
}

/** Runs an async action with busy/error state, for buttons and forms. */
export function useAction(action) {
  const [state, setState] = useState({ busy: false, error: null, result: undefined });
  const run = useCallback(
    async (...args) => {
      setState({ busy: true, error: null, result: undefined });
      try {
        const result = await action(...args);
        setState({ busy: false, error: null, result });
        return result;
      } catch (error) {
        setState({ busy: false, error, result: undefined });
        return undefined;
      }
    },
    [action],
  );
  return { ...state, run };
}
