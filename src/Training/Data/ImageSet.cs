namespace SignActors.Training.Data;

/// <summary>An image's geometry: channels × height × width, stored planar (channel by channel), each plane row-major.</summary>
public readonly record struct ImageShape(int Channels, int Height, int Width)
{
    /// <summary>CIFAR's 3 × 32 × 32.</summary>
    public static ImageShape Cifar { get; } = new(3, 32, 32);

    public int PlaneBytes => Height * Width;
    public int Bytes => Channels * Height * Width;

    public override string ToString() => $"{Channels}×{Height}×{Width}";
}

/// <summary>Per-channel mean and standard deviation of pixel/255 over a training set: what inputs are normalised with.</summary>
public sealed record ChannelStatistics(float[] Mean, float[] Std)
{
    public override string ToString() =>
        string.Join(", ", Mean.Select((m, c) => FormattableString.Invariant($"channel {c}: mean {m:F4}, std {Std[c]:F4}")));
}

/// <summary>
/// Labelled images read from a file format, held in the file's own buffers without a copy: image i
/// is <see cref="Shape"/>.Bytes pixel bytes at <c>pixelOffset + i·pixelStride</c>, its label the byte
/// at <c>labelOffset + i·labelStride</c>. CIFAR-100 records (label bytes and pixels interleaved)
/// and IDX files (separate image and label files) are both views of this kind.
/// <see cref="Classes"/> is the largest label + 1: it sizes a model's output layer.
/// </summary>
public sealed class ImageSet
{
    readonly byte[] _pixels, _labels;
    readonly int _pixelOffset, _pixelStride, _labelOffset, _labelStride;
    readonly Lazy<ChannelStatistics> _statistics;

    public ImageSet(string source, ImageShape shape, int count, byte[] pixels, int pixelOffset, int pixelStride, byte[] labels, int labelOffset, int labelStride)
    {
        if (count < 1) throw new DataFileException($"{source}: holds no images");
        if (shape.Channels < 1 || shape.Height < 1 || shape.Width < 1) throw new DataFileException($"{source}: image shape {shape} is empty");
        if (pixelStride < shape.Bytes || (long)pixelOffset + (long)(count - 1) * pixelStride + shape.Bytes > pixels.Length)
            throw new ArgumentException($"{source}: {count} images of {shape} do not fit the {pixels.Length:N0}-byte pixel buffer", nameof(pixels));
        if ((long)labelOffset + (long)(count - 1) * labelStride + 1 > labels.Length)
            throw new ArgumentException($"{source}: {count} labels do not fit the {labels.Length:N0}-byte label buffer", nameof(labels));
        Source = source;
        Shape = shape;
        Count = count;
        (_pixels, _pixelOffset, _pixelStride) = (pixels, pixelOffset, pixelStride);
        (_labels, _labelOffset, _labelStride) = (labels, labelOffset, labelStride);
        int largest = 0;
        for (int i = 0; i < count; i++) largest = Math.Max(largest, labels[labelOffset + i * labelStride]);
        Classes = largest + 1;
        _statistics = new Lazy<ChannelStatistics>(ComputeStatistics); // node replicas start in parallel: computed once
    }

    /// <summary>Where the images came from (a file path, or a description), for messages and logs.</summary>
    public string Source { get; }

    public ImageShape Shape { get; }

    public int Count { get; }

    /// <summary>The largest label + 1.</summary>
    public int Classes { get; }

    public int Label(int i) => _labels[_labelOffset + Check(i) * _labelStride];

    /// <summary>The <see cref="Shape"/>.Bytes pixel bytes of image i, planar.</summary>
    public ReadOnlySpan<byte> Pixels(int i) => _pixels.AsSpan(_pixelOffset + Check(i) * _pixelStride, Shape.Bytes);

    /// <summary>Labels of all images, in order.</summary>
    public int[] Labels()
    {
        var labels = new int[Count];
        for (int i = 0; i < Count; i++) labels[i] = _labels[_labelOffset + i * _labelStride];
        return labels;
    }

    /// <summary>
    /// Per-channel mean and standard deviation of pixel/255, from exact integer sums (so every host
    /// gets the same floats), computed once.
    /// </summary>
    public ChannelStatistics Statistics => _statistics.Value;

    ChannelStatistics ComputeStatistics()
    {
        int channels = Shape.Channels, plane = Shape.PlaneBytes;
        var sums = new long[channels];
        var squares = new long[channels];
        for (int i = 0; i < Count; i++)
        {
            var image = _pixels.AsSpan(_pixelOffset + i * _pixelStride, Shape.Bytes);
            for (int c = 0; c < channels; c++)
            {
                long sum = 0, square = 0;
                foreach (byte b in image.Slice(c * plane, plane)) { sum += b; square += b * b; }
                sums[c] += sum;
                squares[c] += square;
            }
        }
        double n = (double)Count * plane;
        var mean = new float[channels];
        var std = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double m = sums[c] / n, variance = squares[c] / n - m * m;
            mean[c] = (float)(m / 255);
            std[c] = (float)Math.Max(Math.Sqrt(Math.Max(variance, 0)) / 255, 1e-3); // a constant channel is not divided by 0
        }
        return new ChannelStatistics(mean, std);
    }

    /// <summary>
    /// Checks that <paramref name="test"/> fits a model trained on this set: the same image shape,
    /// and no label a model sized by <see cref="Classes"/> could not output.
    /// </summary>
    public void CheckCompatible(ImageSet test)
    {
        if (test.Shape != Shape) throw new DataFileException($"{test.Source}: images are {test.Shape}, the training images ({Source}) {Shape}");
        if (test.Classes > Classes) throw new DataFileException($"{test.Source}: has label {test.Classes - 1}, but the training labels ({Source}) go up to {Classes - 1}");
    }

    int Check(int i) => (uint)i < (uint)Count ? i : throw new ArgumentOutOfRangeException(nameof(i), $"image {i} outside [0, {Count}) of {Source}");
}
