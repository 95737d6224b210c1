// A second age implementation for the post-quantum interop checks of tool_test_age.py: typage
// (the npm package age-encryption, by the age authors), which has the mlkem768x25519 recipients
// Debian's age lacks. Usage, with TYPAGE naming the package's dist/index.js (or the package
// installed where node finds it):
//   node age_typage_peer.mjs keygen                      -> identity line, recipient line
//   node age_typage_peer.mjs encrypt [-a] RECIPIENT      stdin -> stdout
//   node age_typage_peer.mjs decrypt IDENTITY            stdin (binary or armored) -> stdout
import { pathToFileURL } from "node:url";

const age = await import(process.env.TYPAGE ? pathToFileURL(process.env.TYPAGE).href : "age-encryption");

async function readStdin() {
    const parts = [];
    for await (const part of process.stdin) parts.push(part);
    return new Uint8Array(Buffer.concat(parts));
}

const args = process.argv.slice(2);
const command = args.shift();
if (command === "keygen") {
    const identity = await age.generateHybridIdentity();
    process.stdout.write(identity + "\n" + (await age.identityToRecipient(identity)) + "\n");
} else if (command === "encrypt") {
    const armored = args[0] === "-a";
    if (armored) args.shift();
    const e = new age.Encrypter();
    e.addRecipient(args[0]);
    const file = await e.encrypt(await readStdin());
    process.stdout.write(armored ? age.armor.encode(file) : file);
} else if (command === "decrypt") {
    const d = new age.Decrypter();
    d.addIdentity(args[0]);
    let file = await readStdin();
    const text = Buffer.from(file.subarray(0, 64)).toString("latin1");
    if (text.trimStart().startsWith("-----BEGIN AGE ENCRYPTED FILE-----")) file = age.armor.decode(Buffer.from(file).toString());
    process.stdout.write(await d.decrypt(file));
} else {
    process.stderr.write("usage: keygen | encrypt [-a] RECIPIENT | decrypt IDENTITY\n");
    process.exit(2);
}
