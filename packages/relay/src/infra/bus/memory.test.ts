import { describeBus } from './contract.ts'
import { MemoryBus } from './memory.ts'

describeBus('memory', async () => new MemoryBus())
