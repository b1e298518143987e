import CDNNL
import Foundation

/// What every oneDNN-backed op shares: the CPU engine and stream, memory
/// objects over Fern's own buffers, and status checks. oneDNN is the
/// library under PyTorch's and TensorFlow's CPU kernels; Fern calls it for
/// the ops where its JIT-compiled code beats Fern's loops (measured;
/// Benchmarks/RESULTS.md). Only files named DNNL*.swift call it.
enum DNNL {
    /// nil when oneDNN cannot run here (no CPU engine).
    static let context = Context()

    /// The widest instructions oneDNN may use in this process, in the spelling of
    /// ONEDNN_MAX_CPU_ISA (its own cap, FERN_ISA's, or the CPU's).
    static var effectiveISA: String {
        _ = context
        let names: [(dnnl_cpu_isa_t, String)] = [
            (dnnl_cpu_isa_sse41, "sse41"), (dnnl_cpu_isa_avx, "avx"), (dnnl_cpu_isa_avx2, "avx2"),
            (dnnl_cpu_isa_avx2_vnni, "avx2_vnni"), (dnnl_cpu_isa_avx512_core, "avx512_core"),
            (dnnl_cpu_isa_avx512_core_vnni, "avx512_core_vnni"), (dnnl_cpu_isa_avx512_core_bf16, "avx512_core_bf16"),
            (dnnl_cpu_isa_avx512_core_amx, "avx512_core_amx"),
        ]
        let isa = dnnl_get_effective_cpu_isa()
        return names.first { $0.0 == isa }?.1 ?? "0x" + String(isa.rawValue, radix: 16)
    }

    /// The CPU engine and stream, shared by every convolution; one execution at a time.
    final class Context: @unchecked Sendable {
        let engine: dnnl_engine_t
        let stream: dnnl_stream_t
        private let lock = NSLock()

        init?() {
            // Before any other oneDNN call: it takes a cap only then.
            // A build without the cap keeps the CPU's kernels; `fern bench` reports the effective one.
            if let cap = RuntimeSettings.current.oneDNNCap {
                _ = check(dnnl_set_max_cpu_isa(cap == .avx2 ? dnnl_cpu_isa_avx2 : dnnl_cpu_isa_sse41))
            }
            var engine: dnnl_engine_t?, stream: dnnl_stream_t?
            guard check(dnnl_engine_create(&engine, dnnl_cpu, 0)), let engine,
                  check(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue)), let stream
            else { return nil }
            (self.engine, self.stream) = (engine, stream)
        }

        func run<T>(_ body: () -> T) -> T {
            lock.lock()
            defer { lock.unlock() }
            return body()
        }

        func execute(_ primitive: Primitive, _ arguments: [(Int32, dnnl_memory_t)]) {
            var args = arguments.map { dnnl_exec_arg_t(arg: $0.0, memory: $0.1) }
            if let scratchpad = primitive.scratchpad { args.append(dnnl_exec_arg_t(arg: DNNL_ARG_SCRATCHPAD, memory: scratchpad)) }
            DNNL.require(dnnl_primitive_execute(primitive.handle, stream, Int32(args.count), args))
            DNNL.require(dnnl_stream_wait(stream))
        }
    }

    /// A memory object over a buffer Fern owns; pointed at the buffer of each call.
    final class UserMemory {
        let memory: dnnl_memory_t

        init?(_ desc: dnnl_memory_desc_t, _ context: Context) {
            var desc = desc
            var memory: dnnl_memory_t?
            guard check(dnnl_memory_create(&memory, &desc, context.engine, nil)), let memory else { return nil }
            self.memory = memory
        }

        func point(at pointer: UnsafePointer<Float>) {
            DNNL.require(dnnl_memory_set_data_handle(memory, UnsafeMutableRawPointer(mutating: pointer)))
        }

        deinit { dnnl_memory_destroy(memory) }
    }

    /// One object per shape, made on first use and kept (making one JIT-compiles code).
    final class Cache<Key: Hashable, Value: AnyObject>: @unchecked Sendable {
        private var values: [Key: Value] = [:]
        private let lock = NSLock()

        func value(for key: Key, make: () -> Value?) -> Value? {
            lock.lock()
            defer { lock.unlock() }
            if let cached = values[key] { return cached }
            let made = make()
            values[key] = made
            return made
        }
    }

    /// A primitive with a scratchpad of its own. oneDNN's default shares one
    /// scratchpad among the primitives a thread creates and grows it when a new
    /// one needs more; a primitive made on one thread and run on another then
    /// wrote into a freed buffer (heap corruption seen with the SSE4.1 kernels,
    /// whose GEMM-based convolutions need large scratchpads, and tests running in
    /// parallel). So every primitive descriptor is made with `withAttributes`
    /// (the "user" scratchpad mode) and its primitive carries the memory.
    final class Primitive {
        let handle: dnnl_primitive_t
        let scratchpad: dnnl_memory_t?

        init?(_ pd: const_dnnl_primitive_desc_t, _ context: Context) {
            var handle: dnnl_primitive_t?
            guard check(dnnl_primitive_create(&handle, pd)), let handle else { return nil }
            self.handle = handle
            var desc = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0).pointee
            var memory: dnnl_memory_t?
            if dnnl_memory_desc_get_size(&desc) > 0 {
                // DNNL_MEMORY_ALLOCATE is the C macro ((void *)(size_t)-1).
                guard check(dnnl_memory_create(&memory, &desc, context.engine, UnsafeMutableRawPointer(bitPattern: -1))),
                      memory != nil
                else { dnnl_primitive_destroy(handle); return nil }
            }
            scratchpad = memory
        }

        deinit {
            dnnl_primitive_destroy(handle)
            if let scratchpad { dnnl_memory_destroy(scratchpad) }
        }
    }

    /// Runs `body` with attributes to make a primitive descriptor with: a
    /// scratchpad Fern passes (see Primitive); `body` may add to them (post-ops).
    static func withAttributes<T>(_ body: (dnnl_primitive_attr_t) -> T) -> T {
        var made: dnnl_primitive_attr_t?
        require(dnnl_primitive_attr_create(&made))
        guard let attributes = made else { fatalError("oneDNN made no primitive attributes") }
        defer { dnnl_primitive_attr_destroy(attributes) }
        require(dnnl_primitive_attr_set_scratchpad_mode(attributes, dnnl_scratchpad_mode_user))
        return body(attributes)
    }

    static func implementation(of pd: const_dnnl_primitive_desc_t) -> String {
        var name: UnsafePointer<CChar>?
        guard dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &name) == dnnl_success, let name else { return "?" }
        return String(cString: name)
    }

    /// The memory a primitive descriptor's `what` (its source, weights, ...) takes.
    static func query(_ pd: const_dnnl_primitive_desc_t, _ what: dnnl_query_t) -> dnnl_memory_desc_t {
        dnnl_primitive_desc_query_md(pd, what, 0).pointee
    }

    /// A memory descriptor for a dense f32 tensor; `dims` in oneDNN's logical order (N, C, H, W).
    static func descriptor(_ dims: [Int], _ tag: dnnl_format_tag_t) -> dnnl_memory_desc_t? {
        var desc = dnnl_memory_desc_t()
        return check(dnnl_memory_desc_init_by_tag(&desc, Int32(dims.count), dims.map(Int64.init), dnnl_f32, tag)) ? desc : nil
    }

    @discardableResult
    static func check(_ status: dnnl_status_t) -> Bool { status == dnnl_success }

    /// Failures after set-up mean a broken invariant, not bad input (shapes were checked before).
    static func require(_ status: dnnl_status_t, file: StaticString = #fileID, line: Int = #line) {
        if status != dnnl_success { fatalError("oneDNN call failed with status \(status.rawValue) (\(file):\(line))") }
    }
}
