using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace SignActors.Training.Data;

/// <summary>
/// Builds normalised [b, C, H, W] float32 image batches and int64 label batches straight from a
/// set's buffers into two tensors it owns, allocated once: no per-image (or per-batch)
/// allocation. Pixels are normalised per channel with the training set's own statistics,
/// (byte/255 − mean_c)/std_c, whichever set a batch is drawn from. The returned tensors are views
/// of those buffers, valid until the next <see cref="Build"/>; on a non-CPU device they are copies there.
/// </summary>
public sealed class MinibatchBuilder : IDisposable
{
    readonly Tensor _images, _labels;
    readonly float[] _normalised; // (byte/255 − mean_c)/std_c per channel c and byte value
    readonly ChannelStatistics _statistics;
    readonly bool _float;

    /// <param name="training">The training set: it fixes the image shape and the normalisation.</param>
    public MinibatchBuilder(int capacity, ImageSet training)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        Shape = training.Shape;
        _images = torch.empty(capacity, Shape.Channels, Shape.Height, Shape.Width, ScalarType.Float32);
        _labels = torch.empty(capacity, ScalarType.Int64);
        var statistics = _statistics = training.Statistics;
        _float = training.IsFloat;
        _normalised = new float[Shape.Channels * 256];
        for (int c = 0; c < Shape.Channels; c++)
            for (int b = 0; b < 256; b++)
                _normalised[c * 256 + b] = (b / 255f - statistics.Mean[c]) / statistics.Std[c];
    }

    public int Capacity { get; }
    public ImageShape Shape { get; }

    /// <summary>Images and labels of records <paramref name="indices"/> of <paramref name="set"/>, in that order.</summary>
    public (Tensor Images, Tensor Labels) Build(ImageSet set, ReadOnlySpan<int> indices, Device? device = null)
    {
        if (indices.Length is 0 || indices.Length > Capacity)
            throw new ArgumentOutOfRangeException(nameof(indices), $"batch of {indices.Length} records; this builder holds 1..{Capacity}");
        if (set.Shape != Shape || set.IsFloat != _float) throw new ArgumentException($"{set.Source} holds {set.Shape} {(set.IsFloat ? "float32" : "byte")} images, this builder {Shape} {(_float ? "float32" : "byte")}", nameof(set));
        var pixels = MemoryMarshal.Cast<byte, float>(_images.bytes);
        var labels = MemoryMarshal.Cast<byte, long>(_labels.bytes);
        int plane = Shape.PlaneBytes;
        for (int i = 0; i < indices.Length; i++)
        {
            labels[i] = set.Label(indices[i]);
            if (_float) { NormaliseFloats(set.FloatPixels(indices[i]), pixels.Slice(i * Shape.Bytes, Shape.Bytes)); continue; }
            var source = set.Pixels(indices[i]);
            var destination = pixels.Slice(i * Shape.Bytes, Shape.Bytes);
            for (int c = 0; c < Shape.Channels; c++)
            {
                var table = _normalised.AsSpan(c * 256, 256);
                var channel = source.Slice(c * plane, plane);
                var target = destination.Slice(c * plane, plane);
                for (int k = 0; k < channel.Length; k++) target[k] = table[channel[k]];
            }
        }
        var images = _images.narrow(0, 0, indices.Length);
        var labelView = _labels.narrow(0, 0, indices.Length);
        if (device is null || device.type == DeviceType.CPU) return (images, labelView);
        return (images.to(device), labelView.to(device));
    }

    void NormaliseFloats(ReadOnlySpan<float> image, Span<float> destination)
    {
        int plane = Shape.PlaneBytes;
        for (int c = 0; c < Shape.Channels; c++)
        {
            float mean = _statistics.Mean[c], std = _statistics.Std[c];
            var channel = image.Slice(c * plane, plane);
            var target = destination.Slice(c * plane, plane);
            for (int k = 0; k < channel.Length; k++) target[k] = (channel[k] - mean) / std;
        }
    }

    public void Dispose()
    {
        _images.Dispose();
        _labels.Dispose();
    }
}
