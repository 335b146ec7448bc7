/** A User as this subgraph knows it: only its key. */
export interface UserRef {
  id: string;
}
