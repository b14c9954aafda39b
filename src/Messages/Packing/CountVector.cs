namespace SignActors.Messages.Packing;

/// <summary>
/// Per-coordinate vote counts c_k ∈ [0, voters], each in B = ceil(log2(voters + 1)) bits — the
/// `mean` downlink for 1-bit uplinks (SSDM, SPEC §3): m_k = (2 c_k − voters) / voters.
/// Layout: count k occupies stream bits [kB, kB + B), least significant bit first, and stream
/// bit i is bit (i % 8) of byte (i / 8), as for <see cref="PackedSigns"/>; tail bits are zero.
/// </summary>
public sealed class CountVector : IEquatable<CountVector>
{
    readonly byte[] _bytes;

    public CountVector(int length, int voters)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (voters < 1) throw new ArgumentOutOfRangeException(nameof(voters), $"voters must be ≥ 1, got {voters}");
        Length = length;
        Voters = voters;
        BitsPerCount = BitsFor(voters);
        _bytes = new byte[ByteCountFor(length, voters)];
    }

    public int Length { get; }
    public int Voters { get; }
    public int BitsPerCount { get; }
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>ceil(log2(voters + 1)).</summary>
    public static int BitsFor(int voters) => 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)voters);

    public static int ByteCountFor(int length, int voters) => (int)(((long)length * BitsFor(voters) + 7) >> 3);

    public int this[int k]
    {
        get
        {
            if ((uint)k >= (uint)Length) throw new ArgumentOutOfRangeException(nameof(k));
            long bit = (long)k * BitsPerCount;
            int value = 0;
            for (int i = 0; i < BitsPerCount; i++, bit++)
                value |= (_bytes[bit >> 3] >> (int)(bit & 7) & 1) << i;
            return value;
        }
        set
        {
            if ((uint)k >= (uint)Length) throw new ArgumentOutOfRangeException(nameof(k));
            if ((uint)value > (uint)Voters) throw new ArgumentOutOfRangeException(nameof(value), $"count {value} outside [0, {Voters}]");
            long bit = (long)k * BitsPerCount;
            for (int i = 0; i < BitsPerCount; i++, bit++)
            {
                int mask = 1 << (int)(bit & 7);
                if ((value >> i & 1) != 0) _bytes[bit >> 3] |= (byte)mask; else _bytes[bit >> 3] &= (byte)~mask;
            }
        }
    }

    /// <summary>m_k = (2 c_k − voters) / voters for every k.</summary>
    public void ToMean(Span<float> destination)
    {
        if (destination.Length != Length) throw new ArgumentException($"cannot write {Length} means into {destination.Length} floats", nameof(destination));
        float n = Voters;
        for (int k = 0; k < Length; k++) destination[k] = (2 * this[k] - Voters) / n;
    }

    /// <summary>Reads wire bytes; rejects a wrong length, set tail bits or a count above voters.</summary>
    public static CountVector FromBytes(ReadOnlySpan<byte> bytes, int length, int voters)
    {
        var counts = new CountVector(length, voters);
        if (bytes.Length != counts._bytes.Length)
            throw new ArgumentException($"counts for d={length}, {voters} voters need {counts._bytes.Length} bytes, got {bytes.Length}", nameof(bytes));
        bytes.CopyTo(counts._bytes);
        long usedBits = (long)length * counts.BitsPerCount;
        if ((usedBits & 7) != 0 && (bytes[^1] >> (int)(usedBits & 7)) != 0)
            throw new ArgumentException($"counts for d={length}: tail bits of the last byte must be zero, got 0x{bytes[^1]:X2}", nameof(bytes));
        for (int k = 0; k < length; k++)
            if (counts[k] > voters) throw new ArgumentException($"count at coordinate {k} is {counts[k]}, above {voters} voters", nameof(bytes));
        return counts;
    }

    public bool Equals(CountVector? other) =>
        other is not null && other.Length == Length && other.Voters == Voters && other._bytes.AsSpan().SequenceEqual(_bytes);
    public override bool Equals(object? obj) => obj is CountVector c && Equals(c);
    public override int GetHashCode() => HashCode.Combine(Length, Voters, _bytes.Length);
}
