// `npm run seed`: loads the demo data into DATABASE_URL (idempotent; refuses in production).
import { createDatabase } from "#kernel/db.js";
import { seedDemoData } from "../prisma/seed.js";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is missing: set it to the postgres:// URL of the database to seed");
  process.exit(78);
}
const db = createDatabase({ url, poolSize: 2, applicationName: "seed" });
try {
  await seedDemoData(db.prisma, (line) => console.log(line));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await db.close();
}
