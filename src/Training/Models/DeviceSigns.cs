using SignActors.Messages.Packing;
using TorchSharp;
using static TorchSharp.torch;

namespace SignActors.Training.Models;

/// <summary>
/// The sign packer and the fused sign step as tensor operations, for flat vectors on an
/// accelerator: the signs are packed on the device and only the ceil(d/8) bytes cross to host
/// memory (and back). Same bytes and same update as <see cref="SignPacker"/> and
/// <c>SignStep</c>; on the CPU those span kernels are used instead (tests check both agree).
/// </summary>
public static class DeviceSigns
{
    /// <summary>sign(v) ∈ {+1 (bit set), −1} per SPEC §6, packed on v's device; NaN/±Inf rejected with the first index.</summary>
    public static PackedSigns Pack(Tensor v)
    {
        if (v.dim() != 1 || v.dtype != ScalarType.Float32) throw new ArgumentException($"expected a 1-d float32 vector, got {v.dtype} of shape [{string.Join(", ", v.shape)}]", nameof(v));
        long d = v.shape[0];
        using var scope = NewDisposeScope();
        var bad = v.isfinite().logical_not();
        if (bad.any().item<bool>())
        {
            long index = bad.to(ScalarType.Int32).argmax().item<long>();
            throw new ArgumentException($"coordinate {index} is {v[index].cpu().item<float>()}; signs of NaN or infinity are undefined", nameof(v));
        }
        long bytes = (d + 7) / 8;
        var bits = v.ge(0).to(ScalarType.Byte);                       // -0.0 ≥ 0: +1, as SPEC §6
        if (bytes * 8 != d) bits = nn.functional.pad(bits, new[] { 0L, bytes * 8 - d }); // zero tail bits
        var weights = tensor(new byte[] { 1, 2, 4, 8, 16, 32, 64, 128 }, device: v.device);
        var packed = bits.view(bytes, 8).mul(weights).sum(1, type: ScalarType.Byte).cpu();
        return PackedSigns.FromBytes(packed.bytes, (int)d);
    }

    /// <summary>x ← x − (s·a + c·x) (<see cref="Updates.SignStep"/>'s rule) with a = ±1 unpacked on x's device from the packed bytes.</summary>
    public static void Apply(PackedSigns a, Tensor x, float step, float decayStep)
    {
        if (x.dim() != 1 || x.shape[0] != a.Length) throw new ArgumentException($"x has shape [{string.Join(", ", x.shape)}], the signs d={a.Length}", nameof(x));
        using var scope = NewDisposeScope();
        var bytes = tensor(a.Bytes.ToArray(), ScalarType.Byte).to(x.device);
        var shifts = tensor(new byte[] { 0, 1, 2, 3, 4, 5, 6, 7 }, device: x.device);
        var bits = bytes.unsqueeze(1).bitwise_right_shift(shifts).bitwise_and(1).flatten().narrow(0, 0, a.Length);
        var signs = bits.to(ScalarType.Float32).mul(2).sub(1);
        using (no_grad())
        {
            // Same order as the span kernel: s·a + c·x, then x minus that.
            var change = decayStep == 0 ? signs.mul(step) : signs.mul(step).add(x.mul(decayStep));
            x.sub_(change);
        }
    }
}
