// Placeholder for root scripts whose app has not landed yet: says so and fails, never pretends.
const name = process.argv[2] ?? 'this script';
console.error(`pnpm ${name}: not available yet — its app has not been built (see the open issues).`);
process.exit(1);
