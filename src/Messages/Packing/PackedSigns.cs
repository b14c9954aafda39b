using System.Numerics;
using System.Runtime.InteropServices;

namespace SignActors.Messages.Packing;

/// <summary>
/// A vector of d signs in ceil(d/8) bytes — the 1-bit wire format of SPEC §6.
/// <para>
/// Layout: coordinate k is bit (k % 8) of byte (k / 8); a set bit means +1, a clear bit −1;
/// the unused tail bits of the last byte are zero. Storage is little-endian <c>ulong</c> words,
/// so equivalently coordinate k is bit (k % 64) of word (k / 64), and the bytes are the words'
/// bytes in order. sign(0) = +1 (one bit cannot say 0).
/// </para>
/// <para>
/// The word buffer is writable so packers and aggregators fill it without copies; a
/// <see cref="PackedSigns"/> that has been put into a message is never written again.
/// </para>
/// </summary>
public sealed class PackedSigns : IEquatable<PackedSigns>
{
    readonly ulong[] _words;

    static PackedSigns()
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("PackedSigns assumes a little-endian host (word bytes are the wire bytes)");
    }

    public PackedSigns(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        _words = new ulong[WordCountFor(length)];
    }

    /// <summary>d, the number of coordinates.</summary>
    public int Length { get; }
    public int ByteCount => ByteCountFor(Length);
    public int WordCount => _words.Length;

    public static int ByteCountFor(int length) => (int)(((long)length + 7) >> 3);
    public static int WordCountFor(int length) => (int)(((long)length + 63) >> 6);

    /// <summary>Mask of the valid bits of the last word (all ones when d is a multiple of 64).</summary>
    public static ulong LastWordMask(int length) => (length & 63) == 0 ? ulong.MaxValue : (1UL << (length & 63)) - 1;

    /// <summary>The words, for kernels that fill or read 64 coordinates at a time.</summary>
    public Span<ulong> Words => _words;

    /// <summary>The backing array itself, for kernels that gather many vectors' words once per call.</summary>
    internal ulong[] WordArray => _words;

    /// <summary>The ceil(d/8) wire bytes, as they are, without a copy.</summary>
    public ReadOnlySpan<byte> Bytes => MemoryMarshal.AsBytes(_words.AsSpan())[..ByteCount];

    /// <summary>True ⇔ coordinate k is +1.</summary>
    public bool IsPositive(int k)
    {
        if ((uint)k >= (uint)Length) throw new ArgumentOutOfRangeException(nameof(k), $"coordinate {k} outside [0, {Length})");
        return (_words[k >> 6] >> (k & 63) & 1) != 0;
    }

    /// <summary>+1 or −1.</summary>
    public int Sign(int k) => IsPositive(k) ? 1 : -1;

    /// <summary>Number of +1 coordinates.</summary>
    public long CountPositive()
    {
        long n = 0;
        foreach (var w in _words) n += BitOperations.PopCount(w);
        return n;
    }

    /// <summary>Zeroes the tail bits beyond d (kernels that write whole words call this once).</summary>
    public void ClearTail()
    {
        if (_words.Length > 0) _words[^1] &= LastWordMask(Length);
    }

    /// <summary>
    /// Reads the wire bytes of a d-coordinate sign vector. Rejects a wrong byte count and set
    /// tail bits with a message naming what is wrong.
    /// </summary>
    public static PackedSigns FromBytes(ReadOnlySpan<byte> bytes, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        int expected = ByteCountFor(length);
        if (bytes.Length != expected)
            throw new ArgumentException($"packed signs for d={length} need {expected} bytes, got {bytes.Length}", nameof(bytes));
        if ((length & 7) != 0 && (bytes[^1] & ~((1 << (length & 7)) - 1)) != 0)
            throw new ArgumentException($"packed signs for d={length}: tail bits {length & 7}..7 of the last byte must be zero, got 0x{bytes[^1]:X2}", nameof(bytes));
        var signs = new PackedSigns(length);
        bytes.CopyTo(MemoryMarshal.AsBytes(signs._words.AsSpan()));
        return signs;
    }

    /// <summary>−this: every sign flipped (tail bits stay zero).</summary>
    public PackedSigns Negated()
    {
        var n = new PackedSigns(Length);
        for (int w = 0; w < _words.Length; w++) n._words[w] = ~_words[w];
        n.ClearTail();
        return n;
    }

    public PackedSigns Clone()
    {
        var c = new PackedSigns(Length);
        _words.AsSpan().CopyTo(c._words);
        return c;
    }

    public bool Equals(PackedSigns? other) =>
        other is not null && other.Length == Length && other._words.AsSpan().SequenceEqual(_words);

    public override bool Equals(object? obj) => obj is PackedSigns p && Equals(p);

    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(Length);
        h.AddBytes(Bytes);
        return h.ToHashCode();
    }

    public override string ToString()
    {
        int shown = Math.Min(Length, 64);
        var chars = new char[shown];
        for (int k = 0; k < shown; k++) chars[k] = IsPositive(k) ? '+' : '-';
        return $"PackedSigns(d={Length}, {new string(chars)}{(Length > shown ? "…" : "")})";
    }
}
