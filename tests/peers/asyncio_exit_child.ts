// Child of tests/asyncio_test.ts (the exit check): opens a connection
// to the port given, awaits one reply line, prints it and returns. Nothing is
// closed on purpose beyond the stream: the process must still exit by itself.
import process from "node:process";
import * as usocket from "../../mod.ts";

const { asyncio } = usocket;
const port = Number(process.argv[process.argv.length - 1]);
const [reader, writer] = await asyncio.open_connection("127.0.0.1", port);
writer.write("hello?\n");
await writer.drain();
const line = new TextDecoder().decode(await reader.readline());
console.log(`REPLY ${line.trim()} ${Date.now()}`);
