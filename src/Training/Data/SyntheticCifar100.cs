using SignActors.Training.Randomness;

namespace SignActors.Training.Data;

/// <summary>Which synthetic set: the seed and the number of images per fine class in each split.</summary>
public sealed record SyntheticSpec(ulong Seed, int TrainPerClass, int TestPerClass)
{
    /// <summary>Bumped whenever the generator's output changes, so stale caches are never reused.</summary>
    public const int GeneratorVersion = 1;

    /// <summary>What is wrong with this spec, or null.</summary>
    public string? Validate() =>
        TrainPerClass < 1 ? $"synthetic train-per-class must be ≥ 1, got {TrainPerClass}"
        : TestPerClass < 1 ? $"synthetic test-per-class must be ≥ 1, got {TestPerClass}"
        : (long)Math.Max(TrainPerClass, TestPerClass) * Cifar100Set.FineClasses * Cifar100Set.RecordBytes > int.MaxValue ? "synthetic set larger than 2 GB per split"
        : null;

    /// <summary>The cache directory name: everything that determines the bytes.</summary>
    public string DirectoryName => $"synthetic-cifar100-v{GeneratorVersion}-seed{Seed}-train{TrainPerClass}-test{TestPerClass}";
}

/// <summary>
/// A deterministic CIFAR-100-format set (SPEC §8): 100 fine classes in 20 coarse groups of 5.
/// <para>
/// Each coarse group has two colours and a smooth 4×4 layout that blends them; each fine class adds
/// its own 6×6 detail pattern with a per-channel tint, so the five classes of a group share
/// colours and layout and differ in detail. An image is its class prototype shifted by up to ±4
/// pixels (wrapping), maybe mirrored, blended with up to 35 % of a random other class, colour
/// jittered (gain 0.75–1.25, offset ±0.12 per channel) and overlaid with per-pixel noise (σ 0.18).
/// A small CNN learns it gradually; chance is 1 %.
/// </para>
/// <para>
/// Every number comes from the run-level SyntheticData stream of the spec's seed — class
/// parameters from round 0, image i of split s (1 train, 2 test) from round s at position
/// i·2^16 — using only basic float arithmetic, so every host writes the same bytes, in any order.
/// Record i has fine class i mod 100.
/// </para>
/// </summary>
public static class SyntheticCifar100
{
    const int Side = Cifar100Set.Side, Plane = Cifar100Set.PlaneBytes;
    const int Classes = Cifar100Set.FineClasses, PerGroup = Classes / Cifar100Set.CoarseClasses;
    const int LayoutGrid = 4, DetailGrid = 6, MaxShift = 4;
    const float DetailAmplitude = 0.45f, MaxDistractor = 0.35f, NoiseSigma = 0.18f;

    /// <summary>The records of one split: 1 = train, 2 = test.</summary>
    public static byte[] Generate(SyntheticSpec spec, int split)
    {
        if (spec.Validate() is { } problem) throw new ArgumentOutOfRangeException(nameof(spec), problem);
        if (split is not (1 or 2)) throw new ArgumentOutOfRangeException(nameof(split), "split 1 (train) or 2 (test)");
        var prototypes = Prototypes(spec.Seed);
        int count = Classes * (split == 1 ? spec.TrainPerClass : spec.TestPerClass);
        var records = new byte[count * Cifar100Set.RecordBytes];
        var key = new StreamKey(spec.Seed, StreamKey.RunActor, (uint)split, StreamPurpose.SyntheticData);
        Parallel.For(0, count, i => WriteImage(records.AsSpan(i * Cifar100Set.RecordBytes, Cifar100Set.RecordBytes), i, prototypes, key));
        return records;
    }

    /// <summary>
    /// The set for <paramref name="spec"/> from <paramref name="cacheDirectory"/>, generating and
    /// writing it there first if it is not there (or is unreadable), through the same writer and
    /// reader as real CIFAR-100 files.
    /// </summary>
    public static (Cifar100Set Train, Cifar100Set Test) LoadOrCreate(SyntheticSpec spec, string cacheDirectory, Action<string>? log = null)
    {
        if (spec.Validate() is { } problem) throw new ArgumentOutOfRangeException(nameof(spec), problem);
        string directory = Path.Combine(cacheDirectory, spec.DirectoryName);
        string train = Path.Combine(directory, Cifar100File.TrainFile), test = Path.Combine(directory, Cifar100File.TestFile);
        if (File.Exists(train) && File.Exists(test))
        {
            try
            {
                var cached = Cifar100File.ReadDirectory(directory);
                if (cached.Train.Count == Classes * spec.TrainPerClass && cached.Test.Count == Classes * spec.TestPerClass)
                {
                    log?.Invoke($"synthetic CIFAR-100: using cached {directory}");
                    return cached;
                }
                log?.Invoke($"synthetic CIFAR-100: cached {directory} has the wrong record count; regenerating");
            }
            catch (DataFileException e)
            {
                log?.Invoke($"synthetic CIFAR-100: cached set unusable ({e.Message}); regenerating");
            }
        }
        log?.Invoke($"synthetic CIFAR-100: generating {Classes * spec.TrainPerClass:N0} train and {Classes * spec.TestPerClass:N0} test images into {directory}");
        Cifar100File.Write(train, Generate(spec, 1));
        Cifar100File.Write(test, Generate(spec, 2));
        return Cifar100File.ReadDirectory(directory);
    }

    /// <summary>Class prototypes, [class][channel·1024 + y·32 + x], values around [0, 1].</summary>
    static float[][] Prototypes(ulong seed)
    {
        var s = new RandomStream(StreamKey.ForRun(seed, StreamPurpose.SyntheticData));
        var groupColours = new float[Cifar100Set.CoarseClasses][];
        var layouts = new float[Cifar100Set.CoarseClasses][];
        for (int g = 0; g < groupColours.Length; g++)
        {
            groupColours[g] = new float[6];
            for (int k = 0; k < 6; k++) groupColours[g][k] = 0.1f + 0.8f * s.NextSingle();
            layouts[g] = new float[LayoutGrid * LayoutGrid];
            for (int k = 0; k < layouts[g].Length; k++) layouts[g][k] = s.NextSingle();
        }
        var prototypes = new float[Classes][];
        for (int c = 0; c < Classes; c++)
        {
            var detail = new float[DetailGrid * DetailGrid];
            for (int k = 0; k < detail.Length; k++) detail[k] = 2 * s.NextSingle() - 1;
            var tint = new float[3];
            for (int k = 0; k < 3; k++) tint[k] = 0.5f + 0.5f * s.NextSingle();
            int g = c / PerGroup;
            var p = prototypes[c] = new float[Cifar100Set.ImageBytes];
            for (int y = 0; y < Side; y++)
                for (int x = 0; x < Side; x++)
                {
                    float w = Bilinear(layouts[g], LayoutGrid, y, x), dt = Bilinear(detail, DetailGrid, y, x);
                    for (int ch = 0; ch < 3; ch++)
                    {
                        float colourA = groupColours[g][ch], colourB = groupColours[g][3 + ch];
                        p[ch * Plane + y * Side + x] = colourB + w * (colourA - colourB) + DetailAmplitude * tint[ch] * dt;
                    }
                }
        }
        return prototypes;
    }

    static void WriteImage(Span<byte> record, int i, float[][] prototypes, in StreamKey key)
    {
        var s = new RandomStream(key, (ulong)i << 16);
        int c = i % Classes;
        int dx = s.NextInt(2 * MaxShift + 1) - MaxShift, dy = s.NextInt(2 * MaxShift + 1) - MaxShift;
        bool mirror = s.NextInt(2) == 1;
        var distractor = prototypes[s.NextInt(Classes)];
        float alpha = MaxDistractor * s.NextSingle();
        Span<float> gain = stackalloc float[3], offset = stackalloc float[3];
        for (int ch = 0; ch < 3; ch++)
        {
            gain[ch] = 0.75f + 0.5f * s.NextSingle();
            offset[ch] = -0.12f + 0.24f * s.NextSingle();
        }
        record[0] = (byte)(c / PerGroup);
        record[1] = (byte)c;
        var prototype = prototypes[c];
        var pixels = record[2..];
        for (int ch = 0; ch < 3; ch++)
            for (int y = 0; y < Side; y++)
                for (int x = 0; x < Side; x++)
                {
                    int sy = (y + dy + Side) % Side, sx = (x + dx + Side) % Side;
                    if (mirror) sx = Side - 1 - sx;
                    int at = ch * Plane + y * Side + x;
                    float v = (1 - alpha) * prototype[ch * Plane + sy * Side + sx] + alpha * distractor[at];
                    // Irwin–Hall noise: three 21-bit uniforms from one output; (Σu − 1.5)·2 has unit variance.
                    ulong bits = s.NextUInt64();
                    float u = ((bits & 0x1F_FFFF) + (bits >> 21 & 0x1F_FFFF) + (bits >> 42 & 0x1F_FFFF)) * (1f / (1 << 21));
                    v = gain[ch] * v + offset[ch] + NoiseSigma * 2 * (u - 1.5f);
                    int b = (int)(v * 255 + 0.5f);
                    pixels[at] = (byte)Math.Clamp(b, 0, 255);
                }
    }

    /// <summary>A g×g grid upsampled to 32×32 with bilinear interpolation (pixel centres, edges clamped).</summary>
    static float Bilinear(float[] grid, int g, int y, int x)
    {
        float gy = Math.Clamp((y + 0.5f) * g / Side - 0.5f, 0, g - 1), gx = Math.Clamp((x + 0.5f) * g / Side - 0.5f, 0, g - 1);
        int y0 = Math.Min((int)gy, g - 2), x0 = Math.Min((int)gx, g - 2);
        float fy = gy - y0, fx = gx - x0;
        float top = grid[y0 * g + x0] + fx * (grid[y0 * g + x0 + 1] - grid[y0 * g + x0]);
        float bottom = grid[(y0 + 1) * g + x0] + fx * (grid[(y0 + 1) * g + x0 + 1] - grid[(y0 + 1) * g + x0]);
        return top + fy * (bottom - top);
    }
}
