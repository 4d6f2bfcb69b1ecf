/**
 * Child process of the fromfd test: adopts the socket inherited as the
 * descriptor given in argv and writes a greeting through it.
 */
import process from "node:process";
import * as usocket from "../../mod.ts";

const fd = Number(process.argv[process.argv.length - 1]);
const s = usocket.fromfd(fd, usocket.AF_INET, usocket.SOCK_STREAM);
s.sendall("hello from the child\n");
s.close();
