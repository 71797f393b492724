// Every better-sqlite3 object stays reachable until its thread ends: none may ever be collected.
// better-sqlite3 12 builds its Database and Statement on node::ObjectWrap. Compiled against
// Node 24.19+ headers, ObjectWrap's destructor looks the Environment up from the V8 context
// that is entered, and a garbage collection that frees an unreachable wrapper runs it with no
// context entered: Node aborts the process on `(env) != nullptr` (nodejs/node#65446), closed
// database or not. Held here, they are freed by Node's cleanup hooks when the thread exits,
// while the Environment still exists. So each connection prepares a fixed set of statements
// once and sends pragmas through exec(), which makes no wrapper; what is held stays bounded.
import Database from 'better-sqlite3';

const heldUntilExit: object[] = [];

/** Keeps `driverObjects` (a connection's statements) reachable until the thread exits. */
export function holdUntilExit<T extends object>(driverObjects: T): T {
  heldUntilExit.push(driverObjects);
  return driverObjects;
}

/** A connection that is never garbage-collected, even once closed. */
export function openConnection(filename: string, options?: Database.Options): Database.Database {
  return holdUntilExit(new Database(filename, options));
}
