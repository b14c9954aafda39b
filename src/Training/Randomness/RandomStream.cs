using SignActors.Messages.Simd;
using SignActors.Training.Numerics;

namespace SignActors.Training.Randomness;

/// <summary>
/// A positioned reader of one counter-based stream (<see cref="StreamKey"/>): output i is a pure
/// function of (key, i), so skipping ahead, resuming, or computing the same draw on another host
/// gives the same bits. Not thread-safe (a value type: copy it per consumer).
/// </summary>
public struct RandomStream
{
    const ulong MaxIndex = 1UL << 57; // 2^56 blocks × 2 outputs
    readonly StreamKey _key;
    ulong _position;
    ulong _cachedBlock;
    ulong _cached0, _cached1;
    bool _hasCache;

    public RandomStream(StreamKey key, ulong position = 0)
    {
        _key = key;
        _position = position;
        _cachedBlock = 0; _cached0 = 0; _cached1 = 0; _hasCache = false;
    }

    public readonly StreamKey Key => _key;

    /// <summary>Index of the next 64-bit output.</summary>
    public readonly ulong Position => _position;

    /// <summary>Output <paramref name="index"/> of stream <paramref name="key"/>.</summary>
    public static ulong At(in StreamKey key, ulong index)
    {
        if (index >= MaxIndex) throw new ArgumentOutOfRangeException(nameof(index), "stream index beyond 2^57");
        ulong block = index >> 1;
        var (x0, x1, x2, x3) = Philox4x32.Block(key, block);
        return (index & 1) == 0 ? x0 | (ulong)x1 << 32 : x2 | (ulong)x3 << 32;
    }

    public ulong NextUInt64()
    {
        ulong block = _position >> 1;
        if (!_hasCache || block != _cachedBlock)
        {
            if (_position >= MaxIndex) throw new InvalidOperationException("random stream exhausted (2^57 outputs)");
            var (x0, x1, x2, x3) = Philox4x32.Block(_key, block);
            _cached0 = x0 | (ulong)x1 << 32;
            _cached1 = x2 | (ulong)x3 << 32;
            _cachedBlock = block;
            _hasCache = true;
        }
        ulong value = (_position & 1) == 0 ? _cached0 : _cached1;
        _position++;
        return value;
    }

    /// <summary>Uniform on [0, 1) with 53 random bits (exact dyadic rationals).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform on [0, 1) with 24 random bits.</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform integer in [0, n), exactly unbiased (Lemire's multiply-and-reject).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), $"bound must be positive, got {n}");
        uint bound = (uint)n;
        ulong m = (NextUInt64() >> 32) * bound;        // 32 random bits times n
        if ((uint)m < bound)
        {
            uint threshold = (0u - bound) % bound;      // 2^32 mod n: the biased low region
            while ((uint)m < threshold) m = (NextUInt64() >> 32) * bound;
        }
        return (int)(m >> 32);
    }

    /// <summary>
    /// Standard normal by Marsaglia's polar method: uniform points in the unit disc (two outputs
    /// per try, π/4 accepted) and <see cref="PortableMath.Log"/> (no libm: same value on every host).
    /// </summary>
    public double NextNormal()
    {
        while (true)
        {
            double u = 2 * NextDouble() - 1, v = 2 * NextDouble() - 1;
            double s = u * u + v * v;
            if (s is > 0 and < 1) return u * Math.Sqrt(-2 * PortableMath.Log(s) / s);
        }
    }

    /// <summary>Gamma(shape, 1) by Marsaglia–Tsang (shape &lt; 1 boosted by U^(1/shape)); portable math only.</summary>
    public double NextGamma(double shape)
    {
        if (!(shape > 0) || double.IsInfinity(shape)) throw new ArgumentOutOfRangeException(nameof(shape), $"gamma shape must be positive and finite, got {shape}");
        if (shape < 1)
        {
            double boost = PortableMath.Exp(PortableMath.Log(1.0 - NextDouble()) / shape); // U^(1/shape), U in (0, 1]
            return NextGamma(shape + 1) * boost;
        }
        double d = shape - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x = NextNormal(), t = 1 + c * x;
            if (t <= 0) continue;
            double v = t * t * t, u = 1.0 - NextDouble();
            if (u < 1 - 0.0331 * (x * x) * (x * x)) return d * v;
            if (PortableMath.Log(u) < 0.5 * x * x + d * (1 - v + PortableMath.Log(v))) return d * v;
        }
    }

    /// <summary>Fills <paramref name="destination"/> with outputs start, start+1, … of <paramref name="key"/>.</summary>
    public static void Fill(in StreamKey key, ulong start, Span<ulong> destination) => Fill(key, start, destination, SimdPaths.Best);

    public static void Fill(in StreamKey key, ulong start, Span<ulong> destination, SimdPath path)
    {
        if (start + (ulong)destination.Length > MaxIndex) throw new ArgumentOutOfRangeException(nameof(start), "stream index beyond 2^57");
        int i = 0;
        if ((start & 1) != 0 && destination.Length > 0) destination[i++] = At(key, start);
        switch (SimdPaths.Require(path))
        {
            case SimdPath.Vector512: i = FillBlocks<Words8>(key, start + (ulong)i, destination, i); break;
            case SimdPath.Vector256: i = FillBlocks<Words4>(key, start + (ulong)i, destination, i); break;
            case SimdPath.Vector128: i = FillBlocks<Words2>(key, start + (ulong)i, destination, i); break;
        }
        for (; i < destination.Length; i++) destination[i] = At(key, start + (ulong)i);
    }

    /// <summary>2·Count outputs per step: the halves of Count blocks, zipped into output order.</summary>
    static int FillBlocks<TV>(in StreamKey key, ulong index, Span<ulong> destination, int i) where TV : unmanaged, IWordVector<TV>
    {
        int lanes = TV.Count;
        ulong block = index >> 1;
        for (; i + 2 * lanes <= destination.Length; i += 2 * lanes, block += (ulong)lanes)
        {
            Philox4x32.Outputs(key, TV.Sequence(block, 1), out var first, out var second);
            TV.Interleave(first, second, out var low, out var high);
            TV.Store(low, ref destination[i]);
            TV.Store(high, ref destination[i + lanes]);
        }
        return i;
    }
}
