using SignActors.Messages.Packing;
using SignActors.Messages.Simd;
using Xunit;

namespace SignActors.Tests.Messages;

public class PackedSignsTests
{
    /// <summary>Scalar reference of SPEC §6: bit k%8 of byte k/8, set ⇔ v_k ≥ 0.</summary>
    static byte[] Reference(ReadOnlySpan<float> v)
    {
        var bytes = new byte[(v.Length + 7) / 8];
        for (int k = 0; k < v.Length; k++)
            if (v[k] >= 0) bytes[k / 8] |= (byte)(1 << (k % 8));
        return bytes;
    }

    [Fact]
    public void Hand_made_vectors_give_exact_bytes()
    {
        // + - + + - - - +  | + -   → 0b1000_1101 = 0x8D, then 0b01 = 0x01
        float[] v = { 1f, -2f, 0f, 3f, -0.5f, -1e-30f, -7f, 1e-30f, 5f, -5f };
        var p = SignPacker.Pack(v);
        Assert.Equal(new byte[] { 0x8D, 0x01 }, p.Bytes.ToArray());
        Assert.Equal(10, p.Length);
        Assert.Equal(2, p.ByteCount);
    }

    [Fact]
    public void Zero_and_negative_zero_are_plus_one()
    {
        var p = SignPacker.Pack(new[] { 0f, -0f, -float.Epsilon });
        Assert.True(p.IsPositive(0));
        Assert.True(p.IsPositive(1));
        Assert.False(p.IsPositive(2));
        Assert.Equal(new byte[] { 0b011 }, p.Bytes.ToArray());
    }

    public static IEnumerable<object[]> LengthsAndPaths() =>
        from d in new[] { 0, 1, 7, 8, 9, 63, 64, 65, 127, 128, 129, 1000 }
        from p in SimdPaths.Supported
        select new object[] { d, p };

    [Theory]
    [MemberData(nameof(LengthsAndPaths))]
    public void Every_path_matches_the_scalar_reference(int d, SimdPath path)
    {
        var v = TestVectors.Uniform(d, d);
        var p = new PackedSigns(d);
        SignPacker.Pack(v, p, path);
        Assert.Equal(Reference(v), p.Bytes.ToArray());
        Assert.Equal((d + 7) / 8, p.Bytes.Length);
    }

    [Fact]
    public void Every_length_0_to_256_on_every_path_matches_the_reference_and_round_trips()
    {
        for (int d = 0; d <= 256; d++)
        {
            var v = TestVectors.Uniform(d, 1000 + d);
            byte[] expected = Reference(v);
            foreach (var path in SimdPaths.Supported)
            {
                var p = new PackedSigns(d);
                SignPacker.Pack(v, p, path);
                Assert.Equal(expected, p.Bytes.ToArray());
                var back = new float[d];
                SignPacker.Unpack(p, back);
                for (int k = 0; k < d; k++) Assert.Equal(v[k] >= 0 ? 1f : -1f, back[k]);
                Assert.Equal(p, PackedSigns.FromBytes(p.Bytes, d));
            }
        }
    }

    [Fact]
    public void Simd_and_scalar_agree_on_a_million_random_values()
    {
        const int d = 1_000_000;
        var v = TestVectors.Uniform(d, 7);
        v[12345] = 0f; v[54321] = -0f;
        var scalar = new PackedSigns(d);
        SignPacker.PackScalar(v, scalar);
        foreach (var path in SimdPaths.Supported)
        {
            var p = new PackedSigns(d);
            SignPacker.Pack(v, p, path);
            Assert.True(scalar.Equals(p), $"path {path} differs from the scalar loop");
        }
        Assert.Equal(Reference(v), scalar.Bytes.ToArray());
    }

    [Theory]
    [MemberData(nameof(TestVectors.Paths), MemberType = typeof(TestVectors))]
    public void Nan_or_infinity_names_the_first_bad_index(SimdPath path)
    {
        foreach (int d in new[] { 5, 64, 200 })
            foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
            {
                var v = TestVectors.Uniform(d, 3);
                int at = d * 2 / 3;
                v[at] = bad;
                v[d - 1] = float.NaN; // a later bad value must not be the one reported (unless it is the first)
                var e = Assert.Throws<ArgumentException>(() => SignPacker.Pack(v, new PackedSigns(d), path));
                Assert.Contains($"coordinate {at} ", e.Message);
            }
    }

    [Fact]
    public void Wrong_byte_count_or_set_tail_bits_are_rejected()
    {
        var e1 = Assert.Throws<ArgumentException>(() => PackedSigns.FromBytes(new byte[3], 9));
        Assert.Contains("need 2 bytes, got 3", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => PackedSigns.FromBytes(new byte[] { 0xFF, 0x02 }, 9));
        Assert.Contains("tail bits", e2.Message);
        var ok = PackedSigns.FromBytes(new byte[] { 0xFF, 0x01 }, 9);
        Assert.Equal(9, ok.CountPositive());
        Assert.Throws<ArgumentException>(() => PackedSigns.FromBytes(new byte[1], 9));
    }

    [Fact]
    public void Tail_bits_beyond_d_stay_zero()
    {
        var v = Enumerable.Repeat(1f, 70).ToArray();
        var p = SignPacker.Pack(v);
        Assert.Equal(70, p.CountPositive());
        Assert.Equal(0b11_1111UL, p.Words[1]);
    }

    [Fact]
    public void Length_mismatches_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => SignPacker.Pack(new float[10], new PackedSigns(11)));
        Assert.Throws<ArgumentException>(() => SignPacker.Unpack(new PackedSigns(11), new float[10]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PackedSigns(10).IsPositive(10));
    }
}
