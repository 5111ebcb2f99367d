// The CDKTF app: bootstrap + one stack per registered environment (see stacks/app.ts).
import { main } from "./stacks/app";

main();
