using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SignActors.Messages.Simd;

/// <summary>
/// Lanes of 64-bit words. Bit-sliced kernels (majority vote, S_1, Philox) are written once over
/// this interface; the JIT specialises them per struct, so <see cref="Word1"/> is the scalar
/// reference and <see cref="Words2"/>/<see cref="Words4"/>/<see cref="Words8"/> are the
/// 128/256/512-bit paths of the very same code.
/// </summary>
public interface IWordVector<TSelf> where TSelf : struct, IWordVector<TSelf>
{
    static abstract int Count { get; }
    static abstract TSelf Zero { get; }
    static abstract TSelf AllBits { get; }
    static abstract TSelf Broadcast(ulong value);
    /// <summary>Lane i holds start + i·step.</summary>
    static abstract TSelf Sequence(ulong start, ulong step);
    static abstract TSelf Load(ref readonly ulong source);
    static abstract void Store(TSelf value, ref ulong destination);
    static abstract TSelf operator &(TSelf a, TSelf b);
    static abstract TSelf operator |(TSelf a, TSelf b);
    static abstract TSelf operator ^(TSelf a, TSelf b);
    static abstract TSelf operator ~(TSelf a);
    static abstract TSelf operator +(TSelf a, TSelf b);
    static abstract TSelf operator >>>(TSelf a, int count);
    static abstract TSelf operator <<(TSelf a, int count);
    /// <summary>(a mod 2^32)·(b mod 2^32), the full 64-bit product, per lane.</summary>
    static abstract TSelf MultiplyLow32(TSelf a, TSelf b);
    static abstract bool IsZero(TSelf a);
    static abstract ulong GetLane(TSelf a, int lane);
    /// <summary>
    /// Zips two vectors lane by lane: low = (a0, b0, a1, b1, …) and high = the rest, so that
    /// 2·Count consecutive words can take the two halves of Count Philox blocks in order.
    /// </summary>
    static abstract void Interleave(TSelf a, TSelf b, out TSelf low, out TSelf high);
}

/// <summary>One word: the scalar reference path.</summary>
public readonly struct Word1 : IWordVector<Word1>
{
    readonly ulong _v;
    Word1(ulong v) => _v = v;
    public static int Count => 1;
    public static Word1 Zero => default;
    public static Word1 AllBits => new(ulong.MaxValue);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Word1 Broadcast(ulong value) => new(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Word1 Sequence(ulong start, ulong step) => new(start);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Word1 Load(ref readonly ulong source) => new(source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Word1 value, ref ulong destination) => destination = value._v;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Word1 operator &(Word1 a, Word1 b) => new(a._v & b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Word1 operator |(Word1 a, Word1 b) => new(a._v | b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Word1 operator ^(Word1 a, Word1 b) => new(a._v ^ b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Word1 operator ~(Word1 a) => new(~a._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Word1 operator +(Word1 a, Word1 b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Word1 operator >>>(Word1 a, int count) => new(a._v >>> count);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Word1 operator <<(Word1 a, int count) => new(a._v << count);
    public static Word1 MultiplyLow32(Word1 a, Word1 b) => new((a._v & 0xFFFF_FFFFUL) * (b._v & 0xFFFF_FFFFUL));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool IsZero(Word1 a) => a._v == 0;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong GetLane(Word1 a, int lane) => a._v;
    public static void Interleave(Word1 a, Word1 b, out Word1 low, out Word1 high) { low = a; high = b; }
}

/// <summary>Two words in a Vector128.</summary>
public readonly struct Words2 : IWordVector<Words2>
{
    readonly Vector128<ulong> _v;
    Words2(Vector128<ulong> v) => _v = v;
    public static int Count => 2;
    public static Words2 Zero => default;
    public static Words2 AllBits => new(Vector128<ulong>.AllBitsSet);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words2 Broadcast(ulong value) => new(Vector128.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words2 Sequence(ulong start, ulong step) => new(Vector128.Create(start, start + step));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words2 Load(ref readonly ulong source) => new(Vector128.LoadUnsafe(in source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Words2 value, ref ulong destination) => value._v.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words2 operator &(Words2 a, Words2 b) => new(a._v & b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words2 operator |(Words2 a, Words2 b) => new(a._v | b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words2 operator ^(Words2 a, Words2 b) => new(a._v ^ b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words2 operator ~(Words2 a) => new(~a._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words2 operator +(Words2 a, Words2 b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words2 operator >>>(Words2 a, int count) => new(a._v >>> count);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words2 operator <<(Words2 a, int count) => new(a._v << count);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Words2 MultiplyLow32(Words2 a, Words2 b) =>
        Sse2.IsSupported ? new(Sse2.Multiply(a._v.AsUInt32(), b._v.AsUInt32()))
                         : new((a._v & Vector128.Create(0xFFFF_FFFFUL)) * (b._v & Vector128.Create(0xFFFF_FFFFUL)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool IsZero(Words2 a) => a._v == Vector128<ulong>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong GetLane(Words2 a, int lane) => a._v.GetElement(lane);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Interleave(Words2 a, Words2 b, out Words2 low, out Words2 high)
    {
        if (Sse2.IsSupported)
        {
            low = new(Sse2.UnpackLow(a._v, b._v));
            high = new(Sse2.UnpackHigh(a._v, b._v));
        }
        else
        {
            low = new(Vector128.Create(a._v[0], b._v[0]));
            high = new(Vector128.Create(a._v[1], b._v[1]));
        }
    }
}

/// <summary>Four words in a Vector256.</summary>
public readonly struct Words4 : IWordVector<Words4>
{
    readonly Vector256<ulong> _v;
    Words4(Vector256<ulong> v) => _v = v;
    public static int Count => 4;
    public static Words4 Zero => default;
    public static Words4 AllBits => new(Vector256<ulong>.AllBitsSet);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words4 Broadcast(ulong value) => new(Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words4 Sequence(ulong start, ulong step) =>
        new(Vector256.Create(start, start + step, start + 2 * step, start + 3 * step));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words4 Load(ref readonly ulong source) => new(Vector256.LoadUnsafe(in source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Words4 value, ref ulong destination) => value._v.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words4 operator &(Words4 a, Words4 b) => new(a._v & b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words4 operator |(Words4 a, Words4 b) => new(a._v | b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words4 operator ^(Words4 a, Words4 b) => new(a._v ^ b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words4 operator ~(Words4 a) => new(~a._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words4 operator +(Words4 a, Words4 b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words4 operator >>>(Words4 a, int count) => new(a._v >>> count);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words4 operator <<(Words4 a, int count) => new(a._v << count);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Words4 MultiplyLow32(Words4 a, Words4 b) =>
        Avx2.IsSupported ? new(Avx2.Multiply(a._v.AsUInt32(), b._v.AsUInt32()))
                         : new((a._v & Vector256.Create(0xFFFF_FFFFUL)) * (b._v & Vector256.Create(0xFFFF_FFFFUL)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool IsZero(Words4 a) => a._v == Vector256<ulong>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong GetLane(Words4 a, int lane) => a._v.GetElement(lane);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Interleave(Words4 a, Words4 b, out Words4 low, out Words4 high)
    {
        if (Avx2.IsSupported)
        {
            var lo = Avx2.UnpackLow(a._v, b._v);   // a0 b0 | a2 b2
            var hi = Avx2.UnpackHigh(a._v, b._v);  // a1 b1 | a3 b3
            low = new(Avx2.Permute2x128(lo, hi, 0x20));
            high = new(Avx2.Permute2x128(lo, hi, 0x31));
        }
        else
        {
            low = new(Vector256.Create(a._v[0], b._v[0], a._v[1], b._v[1]));
            high = new(Vector256.Create(a._v[2], b._v[2], a._v[3], b._v[3]));
        }
    }
}

/// <summary>Eight words in a Vector512.</summary>
public readonly struct Words8 : IWordVector<Words8>
{
    readonly Vector512<ulong> _v;
    Words8(Vector512<ulong> v) => _v = v;
    public static int Count => 8;
    public static Words8 Zero => default;
    public static Words8 AllBits => new(Vector512<ulong>.AllBitsSet);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words8 Broadcast(ulong value) => new(Vector512.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words8 Sequence(ulong start, ulong step) =>
        new(Vector512.Create(start, start + step, start + 2 * step, start + 3 * step,
                             start + 4 * step, start + 5 * step, start + 6 * step, start + 7 * step));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words8 Load(ref readonly ulong source) => new(Vector512.LoadUnsafe(in source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Words8 value, ref ulong destination) => value._v.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words8 operator &(Words8 a, Words8 b) => new(a._v & b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words8 operator |(Words8 a, Words8 b) => new(a._v | b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words8 operator ^(Words8 a, Words8 b) => new(a._v ^ b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words8 operator ~(Words8 a) => new(~a._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words8 operator +(Words8 a, Words8 b) => new(a._v + b._v);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words8 operator >>>(Words8 a, int count) => new(a._v >>> count);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Words8 operator <<(Words8 a, int count) => new(a._v << count);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Words8 MultiplyLow32(Words8 a, Words8 b) =>
        Avx512F.IsSupported ? new(Avx512F.Multiply(a._v.AsUInt32(), b._v.AsUInt32()))
                            : new((a._v & Vector512.Create(0xFFFF_FFFFUL)) * (b._v & Vector512.Create(0xFFFF_FFFFUL)));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool IsZero(Words8 a) => a._v == Vector512<ulong>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static ulong GetLane(Words8 a, int lane) => a._v.GetElement(lane);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Interleave(Words8 a, Words8 b, out Words8 low, out Words8 high)
    {
        if (Avx512F.IsSupported)
        {
            low = new(Avx512F.PermuteVar8x64x2(a._v, Vector512.Create(0UL, 8, 1, 9, 2, 10, 3, 11), b._v));
            high = new(Avx512F.PermuteVar8x64x2(a._v, Vector512.Create(4UL, 12, 5, 13, 6, 14, 7, 15), b._v));
        }
        else
        {
            low = new(Vector512.Create(a._v[0], b._v[0], a._v[1], b._v[1], a._v[2], b._v[2], a._v[3], b._v[3]));
            high = new(Vector512.Create(a._v[4], b._v[4], a._v[5], b._v[5], a._v[6], b._v[6], a._v[7], b._v[7]));
        }
    }
}
