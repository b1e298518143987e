import Testing
@testable import FernPlot

/// Colormaps as interpolated lookup tables, and text colors that contrast.
@Suite struct ColormapTests {
    @Test func endsAreTheFirstAndLastStops() {
        #expect(Pixel(Colormap.viridis.color(at: 0)) == Pixel(red: 0x44, green: 0x01, blue: 0x54))
        #expect(Pixel(Colormap.viridis.color(at: 1)) == Pixel(red: 0xfd, green: 0xe7, blue: 0x25))
        #expect(Pixel(Colormap.coolwarm.color(at: 0.5)) == Pixel(red: 0xdd, green: 0xdd, blue: 0xdd))
    }

    @Test func valuesBetweenStopsAreInterpolatedAndOutOfRangeValuesClamped() {
        #expect(Colormap.gray.color(at: 0.25) == Color(red: 0.25, green: 0.25, blue: 0.25))
        #expect(Colormap.gray.color(at: -3) == .black)
        #expect(Colormap.gray.color(at: 7) == .white)
        #expect(Colormap.gray.color(at: .nan) == .black)
    }

    @Test func builtInMapsAreFoundByName() {
        #expect(Colormap(named: "Turbo") == .turbo)
        #expect(Colormap.all.map(\.name) == ["gray", "viridis", "turbo", "coolwarm"])
        #expect(Colormap(named: "jet") == nil)
    }

    @Test func textIsDarkOnLightColorsAndWhiteOnDarkOnes() {
        #expect(Colormap.viridis.color(at: 1).contrastingText == Theme.text)
        #expect(Colormap.viridis.color(at: 0).contrastingText == .white)
        #expect(Color.black.contrastingText == .white)
        #expect(Color(hex: "#ffff00")?.contrastingText == Theme.text)
    }
}
