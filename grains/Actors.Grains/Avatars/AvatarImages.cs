using SkiaSharp;

namespace Actors.Grains.Avatars;

/// <summary>
/// What an avatar may be, and how thumbnails are made: PNG, JPEG or WebP, 16 to 4,096 pixels a side;
/// thumbnails are the centred square of the image scaled to 64 and 256 pixels, as PNG.
/// </summary>
public static class AvatarImages
{
    public const int MinSide = 16;
    public const int MaxSide = 4096;
    public static readonly int[] Sizes = [64, 256];

    private static readonly Dictionary<string, SKEncodedImageFormat> Types = new(StringComparer.OrdinalIgnoreCase)
    {
        ["image/png"] = SKEncodedImageFormat.Png,
        ["image/jpeg"] = SKEncodedImageFormat.Jpeg,
        ["image/webp"] = SKEncodedImageFormat.Webp,
    };

    /// <summary>Whether the type is one the decoder reads; an upload of another type is refused as such.</summary>
    public static bool Decodes(string contentType) => Types.ContainsKey(contentType);

    /// <summary>
    /// Null when the upload is acceptable, else why not: the header gives type and size, then every
    /// pixel is decoded, so data that is corrupt or cut short past a valid header is refused too.
    /// CPU-bound: call it off a grain's scheduler thread.
    /// </summary>
    public static string? Inspect(string contentType, byte[] image)
    {
        if (!Types.TryGetValue(contentType, out var declared))
        {
            return $"{contentType} is not an accepted image type (PNG, JPEG or WebP).";
        }

        using var data = SKData.CreateCopy(image);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            return "The file is not a readable image.";
        }

        if (codec.EncodedFormat != declared)
        {
            return $"The file is {codec.EncodedFormat}, not {contentType}.";
        }

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width is < MinSide or > MaxSide || height is < MinSide or > MaxSide)
        {
            return $"The image is {width} x {height} pixels; each side must be {MinSide} to {MaxSide}.";
        }

        try
        {
            using var decoded = Decode(codec);
            return null;
        }
        catch (InvalidDataException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>Decodes the whole image and makes the thumbnails (PNG, by size); throws <see cref="InvalidDataException"/> when it cannot.</summary>
    public static Dictionary<int, byte[]> Thumbnails(byte[] image)
    {
        using var data = SKData.CreateCopy(image);
        using var codec = SKCodec.Create(data) ?? throw new InvalidDataException("The file is not a readable image.");
        using var decoded = Decode(codec);
        var side = Math.Min(decoded.Width, decoded.Height);
        var square = new SKRectI((decoded.Width - side) / 2, (decoded.Height - side) / 2, ((decoded.Width - side) / 2) + side, ((decoded.Height - side) / 2) + side);
        using var cropped = new SKBitmap(side, side);
        if (!decoded.ExtractSubset(cropped, square))
        {
            throw new InvalidDataException("The image could not be cropped.");
        }

        var thumbnails = new Dictionary<int, byte[]>();
        foreach (var size in Sizes)
        {
            using var scaled = cropped.Resize(new SKImageInfo(size, size), new SKSamplingOptions(SKCubicResampler.Mitchell))
                ?? throw new InvalidDataException("The image could not be scaled.");
            using var png = scaled.Encode(SKEncodedImageFormat.Png, 100);
            thumbnails[size] = png.ToArray();
        }

        return thumbnails;
    }

    // Every pixel, or an exception saying why not: Skia fills what a truncated or damaged file lacks
    // and reports it only in the result, which must be a full success.
    private static SKBitmap Decode(SKCodec codec)
    {
        var info = codec.Info.WithColorType(SKImageInfo.PlatformColorType).WithAlphaType(SKAlphaType.Premul);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            throw new InvalidDataException($"The image data is corrupt or truncated ({result}).");
        }

        return bitmap;
    }
}
