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
/// Labelled images read from a file format. Byte images stay in the file's own buffers without a
/// copy: image i is <see cref="Shape"/>.Bytes pixel bytes at <c>pixelOffset + i·pixelStride</c>.
/// CIFAR-100 records (label bytes and pixels interleaved) and IDX files (separate image and label
/// files) are both views of this kind, their labels too. Float32 images (NumPy arrays) are one
/// planar array, image after image (<see cref="IsFloat"/>); NumPy labels are an int array.
/// <see cref="Classes"/> is the largest label + 1: it sizes a model's output layer.
/// </summary>
public sealed class ImageSet
{
    readonly byte[] _pixels;
    readonly float[] _floats;
    readonly int _pixelOffset, _pixelStride;
    readonly byte[] _labelBytes;
    readonly int _labelOffset, _labelStride;
    readonly int[] _labels; // empty when the labels are a view of _labelBytes
    readonly Lazy<ChannelStatistics> _statistics;

    public ImageSet(string source, ImageShape shape, int count, byte[] pixels, int pixelOffset, int pixelStride, byte[] labels, int labelOffset, int labelStride)
        : this(source, shape, count, pixels, [], pixelOffset, pixelStride, [], labels, labelOffset, labelStride)
    {
        if (pixelStride < shape.Bytes || (long)pixelOffset + (long)(count - 1) * pixelStride + shape.Bytes > pixels.Length)
            throw new ArgumentException($"{source}: {count} images of {shape} do not fit the {pixels.Length:N0}-byte pixel buffer", nameof(pixels));
    }

    /// <summary>Byte images, planar, one after another, with their labels (a NumPy uint8 array).</summary>
    public ImageSet(string source, ImageShape shape, byte[] pixels, int[] labels)
        : this(source, shape, labels.Length, pixels, [], 0, shape.Bytes, labels, [], 0, 0)
    {
        if ((long)labels.Length * shape.Bytes != pixels.Length)
            throw new ArgumentException($"{source}: {labels.Length} images of {shape} are not the {pixels.Length:N0} pixel bytes given", nameof(pixels));
    }

    /// <summary>Float32 images, planar, one after another, with their labels (a NumPy float32 array).</summary>
    public ImageSet(string source, ImageShape shape, float[] pixels, int[] labels)
        : this(source, shape, labels.Length, [], pixels, 0, shape.Bytes, labels, [], 0, 0)
    {
        if ((long)labels.Length * shape.Bytes != pixels.Length)
            throw new ArgumentException($"{source}: {labels.Length} images of {shape} are not the {pixels.Length:N0} pixel values given", nameof(pixels));
    }

    ImageSet(string source, ImageShape shape, int count, byte[] pixels, float[] floats, int pixelOffset, int pixelStride,
        int[] labels, byte[] labelBytes, int labelOffset, int labelStride)
    {
        if (count < 1) throw new DataFileException($"{source}: holds no images");
        if (shape.Channels < 1 || shape.Height < 1 || shape.Width < 1) throw new DataFileException($"{source}: image shape {shape} is empty");
        if (labels.Length == 0 && (long)labelOffset + (long)(count - 1) * labelStride + 1 > labelBytes.Length)
            throw new ArgumentException($"{source}: {count} labels do not fit the {labelBytes.Length:N0}-byte label buffer", nameof(labelBytes));
        Source = source;
        Shape = shape;
        Count = count;
        (_pixels, _floats, _pixelOffset, _pixelStride) = (pixels, floats, pixelOffset, pixelStride);
        (_labels, _labelBytes, _labelOffset, _labelStride) = (labels, labelBytes, labelOffset, labelStride);
        int largest = 0;
        for (int i = 0; i < count; i++)
        {
            int label = LabelAt(i);
            if ((uint)label > MaxLabel) throw new DataFileException($"{source}: label {label} is outside 0..{MaxLabel}");
            largest = Math.Max(largest, label);
        }
        Classes = largest + 1;
        _statistics = new Lazy<ChannelStatistics>(ComputeStatistics); // node replicas start in parallel: computed once
    }

    /// <summary>The largest label a set may hold (it sizes the output layer).</summary>
    public const int MaxLabel = 99_999;

    /// <summary>Where the images came from (a file path, or a description), for messages and logs.</summary>
    public string Source { get; }

    public ImageShape Shape { get; }

    public int Count { get; }

    /// <summary>The largest label + 1.</summary>
    public int Classes { get; }

    /// <summary>Pixels are float32 values (<see cref="FloatPixels"/>), not bytes (<see cref="Pixels"/>).</summary>
    public bool IsFloat => _floats.Length > 0;

    public int Label(int i) => LabelAt(Check(i));

    int LabelAt(int i) => _labels.Length > 0 ? _labels[i] : _labelBytes[_labelOffset + i * _labelStride];

    /// <summary>The <see cref="Shape"/>.Bytes pixel bytes of image i, planar.</summary>
    public ReadOnlySpan<byte> Pixels(int i) => IsFloat
        ? throw new InvalidOperationException($"{Source} holds float32 images; read them with FloatPixels")
        : _pixels.AsSpan(_pixelOffset + Check(i) * _pixelStride, Shape.Bytes);

    /// <summary>The <see cref="Shape"/>.Bytes float32 values of image i, planar (a float set).</summary>
    public ReadOnlySpan<float> FloatPixels(int i) => IsFloat
        ? _floats.AsSpan(Check(i) * Shape.Bytes, Shape.Bytes)
        : throw new InvalidOperationException($"{Source} holds byte images; read them with Pixels");

    /// <summary>Labels of all images, in order.</summary>
    public int[] Labels()
    {
        var labels = new int[Count];
        for (int i = 0; i < Count; i++) labels[i] = LabelAt(i);
        return labels;
    }

    /// <summary>
    /// Per-channel mean and standard deviation of pixel/255 (byte images, from exact integer sums)
    /// or of the values themselves (float images, double sums in record order), so every host gets
    /// the same floats; computed once.
    /// </summary>
    public ChannelStatistics Statistics => _statistics.Value;

    ChannelStatistics ComputeStatistics() => IsFloat ? FloatStatistics() : ByteStatistics();

    ChannelStatistics ByteStatistics()
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

    ChannelStatistics FloatStatistics()
    {
        int channels = Shape.Channels, plane = Shape.PlaneBytes;
        var sums = new double[channels];
        var squares = new double[channels];
        for (int i = 0; i < Count; i++)
            for (int c = 0; c < channels; c++)
                foreach (float x in _floats.AsSpan(i * Shape.Bytes + c * plane, plane)) { sums[c] += x; squares[c] += (double)x * x; }
        double n = (double)Count * plane;
        var mean = new float[channels];
        var std = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double m = sums[c] / n, variance = squares[c] / n - m * m;
            mean[c] = (float)m;
            std[c] = (float)Math.Max(Math.Sqrt(Math.Max(variance, 0)), 1e-6); // a constant channel is not divided by 0
        }
        return new ChannelStatistics(mean, std);
    }

    /// <summary>
    /// Checks that <paramref name="test"/> fits a model trained on this set: the same image shape
    /// and pixel type, and no label a model sized by <see cref="Classes"/> could not output.
    /// </summary>
    public void CheckCompatible(ImageSet test)
    {
        if (test.Shape != Shape) throw new DataFileException($"{test.Source}: images are {test.Shape}, the training images ({Source}) {Shape}");
        if (test.IsFloat != IsFloat) throw new DataFileException($"{test.Source}: images are {(test.IsFloat ? "float32" : "bytes")}, the training images ({Source}) {(IsFloat ? "float32" : "bytes")}");
        if (test.Classes > Classes) throw new DataFileException($"{test.Source}: has label {test.Classes - 1}, but the training labels ({Source}) go up to {Classes - 1}");
    }

    int Check(int i) => (uint)i < (uint)Count ? i : throw new ArgumentOutOfRangeException(nameof(i), $"image {i} outside [0, {Count}) of {Source}");
}
