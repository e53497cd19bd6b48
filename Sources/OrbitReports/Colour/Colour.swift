import Foundation

/// An opaque sRGB colour with 8-bit channels.
public struct Colour: Sendable, Hashable, CustomStringConvertible {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// A colour from `0xRRGGBB`.
    public init(hex: UInt32) {
        self.init(red: UInt8((hex >> 16) & 0xFF), green: UInt8((hex >> 8) & 0xFF), blue: UInt8(hex & 0xFF))
    }

    /// A colour from channels in [0, 1] (clamped, rounded to the nearest 8-bit value).
    public init(red: Double, green: Double, blue: Double) {
        func byte(_ v: Double) -> UInt8 {
            guard v.isFinite else { return 0 }
            return UInt8((min(max(v, 0), 1) * 255).rounded())
        }
        self.init(red: byte(red), green: byte(green), blue: byte(blue))
    }

    /// `#rrggbb`, lower case: the form written into SVG and HTML.
    public var hex: String {
        let digits = Array("0123456789abcdef")
        var out = "#"
        for channel in [red, green, blue] {
            out.append(digits[Int(channel >> 4)])
            out.append(digits[Int(channel & 0xF)])
        }
        return out
    }

    public var description: String { hex }

    /// Relative luminance (WCAG 2), used to pick a readable text colour on top of this one.
    public var luminance: Double {
        func linear(_ c: UInt8) -> Double {
            let v = Double(c) / 255
            return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }

    public static let black = Colour(hex: 0x000000)
    public static let white = Colour(hex: 0xFFFFFF)
    /// The grey of reference lines and annotations.
    public static let annotationGrey = Colour(hex: 0x555555)
}
