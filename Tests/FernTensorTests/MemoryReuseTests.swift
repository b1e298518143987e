import Testing
import FernTensor

/// The library leaves malloc alone; a program asks for freed memory to be kept.
@Suite struct MemoryReuseTests {
    #if os(Linux)
    @Test func glibcTakesTheSettings() {
        #expect(MemoryReuse.keepFreedMemory())
    }
    #endif
}
