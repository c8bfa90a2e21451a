// OpIterator lives in mechanism/ (the purge's iterators use it too); the workloads' iterators import it from here.
export { OpIterator } from '../mechanism/op-iterator.js';
