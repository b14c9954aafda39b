using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace SignActors.Training.Data;

/// <summary>
/// Builds normalised [b, 3, 32, 32] float32 image batches and int64 fine-label batches straight
/// from a set's record buffer into two tensors it owns, allocated once: no per-image (or
/// per-batch) allocation. The returned tensors are views of those buffers, valid until the next
/// <see cref="Build"/>; on a non-CPU device they are copies there.
/// </summary>
public sealed class MinibatchBuilder : IDisposable
{
    /// <summary>The usual CIFAR-100 per-channel statistics (R, G, B) of pixel/255.</summary>
    public static readonly float[] Mean = { 0.5071f, 0.4865f, 0.4409f };
    public static readonly float[] Std = { 0.2673f, 0.2564f, 0.2762f };

    readonly Tensor _images, _labels;
    readonly float[] _normalised = new float[3 * 256]; // (byte/255 − mean_c)/std_c per channel c

    public MinibatchBuilder(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _images = torch.empty(capacity, Cifar100Set.Channels, Cifar100Set.Side, Cifar100Set.Side, ScalarType.Float32);
        _labels = torch.empty(capacity, ScalarType.Int64);
        for (int c = 0; c < 3; c++)
            for (int b = 0; b < 256; b++)
                _normalised[c * 256 + b] = (b / 255f - Mean[c]) / Std[c];
    }

    public int Capacity { get; }

    /// <summary>Images and labels of records <paramref name="indices"/> of <paramref name="set"/>, in that order.</summary>
    public (Tensor Images, Tensor Labels) Build(Cifar100Set set, ReadOnlySpan<int> indices, Device? device = null)
    {
        if (indices.Length is 0 || indices.Length > Capacity)
            throw new ArgumentOutOfRangeException(nameof(indices), $"batch of {indices.Length} records; this builder holds 1..{Capacity}");
        var pixels = MemoryMarshal.Cast<byte, float>(_images.bytes);
        var labels = MemoryMarshal.Cast<byte, long>(_labels.bytes);
        for (int i = 0; i < indices.Length; i++)
        {
            var source = set.Pixels(indices[i]);
            var destination = pixels.Slice(i * Cifar100Set.ImageBytes, Cifar100Set.ImageBytes);
            for (int c = 0; c < 3; c++)
            {
                var table = _normalised.AsSpan(c * 256, 256);
                var plane = source.Slice(c * Cifar100Set.PlaneBytes, Cifar100Set.PlaneBytes);
                var target = destination.Slice(c * Cifar100Set.PlaneBytes, Cifar100Set.PlaneBytes);
                for (int k = 0; k < plane.Length; k++) target[k] = table[plane[k]];
            }
            labels[i] = set.FineLabel(indices[i]);
        }
        var images = _images.narrow(0, 0, indices.Length);
        var labelView = _labels.narrow(0, 0, indices.Length);
        if (device is null || device.type == DeviceType.CPU) return (images, labelView);
        return (images.to(device), labelView.to(device));
    }

    public void Dispose()
    {
        _images.Dispose();
        _labels.Dispose();
    }
}
