import { serveChildTask } from "../support/child-run.ts";
import { heapOfConversations, soak } from "./runs.ts";

// Child-process entry: each memory run gets a fresh heap.
await serveChildTask({ heapOfConversations, soak });
