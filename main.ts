// The CDKTF app: bootstrap + dev, staging and prod stacks (see stacks/app.ts).
import { synthesize } from "./stacks/app";

synthesize();
