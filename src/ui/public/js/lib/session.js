// Who is signed in and what they may do. The server sends the permission keys of the user's role
// (from the one permission table in src/auth/permissions.ts), so the UI never keeps its own copy.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export const SessionContext = createContext(null);

export function useSession() {
  return useContext(SessionContext);
}

/** True when the signed-in user's role may call `key` ("POST /api/v1/resyncs"). */
export function useCan() {
  const session = useSession();
  return (key) => Boolean(session?.permissions?.includes(key));
}
