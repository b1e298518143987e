// swift-tools-version: 6.0
import PackageDescription

// One module per layer of the system; lower layers never import higher ones.
// C libraries sit in thin system-library targets, each wrapped by one Swift file.
let package = Package(
    name: "Fern",
    products: [
        .executable(name: "fern", targets: ["fern"]),
        .library(name: "FernTensor", targets: ["FernTensor"]),
        .library(name: "FernNN", targets: ["FernNN"]),
        .library(name: "FernData", targets: ["FernData"]),
        .library(name: "FernPlot", targets: ["FernPlot"]),
        .library(name: "FernAnalysis", targets: ["FernAnalysis"]),
        .library(name: "FernONNX", targets: ["FernONNX"]),
        .library(name: "FernLang", targets: ["FernLang"]),
        .library(name: "FernNotebook", targets: ["FernNotebook"]),
        .library(name: "FernREPL", targets: ["FernREPL"]),
        .library(name: "FernWatch", targets: ["FernWatch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // The HTTP server of `fern watch` (loopback, server-sent events).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        // Already under Hummingbird; named for the bind error and a quiet logger.
        .package(url: "https://github.com/apple/swift-nio", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.0.0"),
        // ONNX files are protocol buffers; the message types are generated (scripts/generate-onnx-proto.sh).
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CDNNL", path: "Sources/CDNNL", providers: [.apt(["libdnnl-dev"])]),
        .systemLibrary(name: "CCairo", path: "Sources/CCairo", pkgConfig: "cairo",
                       providers: [.apt(["libcairo2-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        // No pkgConfig: readline.pc adds -D_DEFAULT_SOURCE, a flag SwiftPM rejects.
        .systemLibrary(name: "CReadline", path: "Sources/CReadline", providers: [.apt(["libreadline-dev"])]),
        // Terminal graphics (kitty, iTerm2, sixel, Unicode symbols) for figures in the REPL.
        .systemLibrary(name: "CChafa", path: "Sources/CChafa", pkgConfig: "chafa",
                       providers: [.apt(["libchafa-dev"])]),
        // GitHub-flavoured Markdown (tables, fenced code, autolinks) for notebook reports.
        .systemLibrary(name: "CCmark", path: "Sources/CCmark", pkgConfig: "libcmark-gfm",
                       providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]),
        // Winograd convolution kernels: C with AVX-512 target attributes, chosen at run time.
        .target(name: "CWinograd"),
        .target(name: "FernTensor", dependencies: ["CBLAS", "CDNNL", "CWinograd"]),
        .target(name: "FernNN", dependencies: ["FernTensor", "FernData"]),
        .target(name: "FernData", dependencies: ["FernTensor", "CZlib"]),
        .target(name: "FernPlot", dependencies: ["FernTensor", "CCairo"]),
        .target(name: "FernAnalysis", dependencies: ["FernTensor", "FernNN", "FernPlot"]),
        .target(name: "FernONNX", dependencies: ["FernTensor", "FernNN",
                                                 .product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .target(name: "FernLang", dependencies: ["FernTensor", "FernNN", "FernData", "FernPlot", "FernAnalysis", "FernONNX"]),
        .target(name: "FernNotebook", dependencies: ["FernLang", "FernNN", "FernPlot", "FernTensor", "CCmark"]),
        .target(name: "FernWatch", dependencies: ["FernNotebook", "FernLang",
                                                  .product(name: "Hummingbird", package: "hummingbird"),
                                                  .product(name: "NIOCore", package: "swift-nio"),
                                                  .product(name: "Logging", package: "swift-log")]),
        .target(name: "FernREPL", dependencies: ["FernLang", "FernNotebook", "FernPlot", "CReadline", "CChafa"]),
        .executableTarget(name: "fern", dependencies: [
            "FernTensor", "FernNN", "FernData", "FernPlot", "FernAnalysis", "FernONNX", "FernLang", "FernNotebook", "FernREPL",
            "FernWatch",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "FernTensorTests", dependencies: ["FernTensor", "FernTestSupport"],
                    resources: [.copy("Fixtures")]),
        .target(name: "FernTestSupport", dependencies: ["CCairo"], path: "Tests/FernTestSupport"),
        .testTarget(name: "FernNNTests", dependencies: ["FernNN", "FernTensor", "FernTestSupport"]),
        .testTarget(name: "FernDataTests", dependencies: ["FernData", "FernTensor", "CZlib", "FernTestSupport"]),
        .testTarget(name: "FernPlotTests", dependencies: ["FernPlot", "FernTensor", "CCairo", "FernTestSupport"]),
        .testTarget(name: "FernLangTests", dependencies: ["FernLang", "FernNN", "FernTensor", "FernTestSupport"]),
        .testTarget(name: "FernNotebookTests", dependencies: ["FernNotebook", "FernLang", "FernPlot", "FernTestSupport"]),
        .testTarget(name: "FernWatchTests", dependencies: ["FernWatch", "FernNotebook", "FernTestSupport"]),
        .testTarget(name: "FernREPLTests", dependencies: ["FernREPL", "FernLang", "FernPlot", "FernTestSupport"]),
        .testTarget(name: "FernONNXTests", dependencies: ["FernONNX", "FernNN", "FernTensor", "FernAnalysis", "FernTestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "FernAnalysisTests", dependencies: ["FernAnalysis", "FernNN", "FernPlot", "FernTensor", "CCairo",
                                                              "FernTestSupport"]),
        .testTarget(name: "IntegrationTests", dependencies: ["FernNN", "FernData", "FernTensor", "FernAnalysis", "FernNotebook",
                                                             "FernTestSupport"]),
    ]
)
