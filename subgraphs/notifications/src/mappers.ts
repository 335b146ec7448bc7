/** A user as this subgraph knows it: only the key. The users subgraph owns everything else. */
export interface UserRef {
  id: string;
}
