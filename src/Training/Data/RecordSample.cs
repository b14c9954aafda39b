using SignActors.Training.Randomness;

namespace SignActors.Training.Data;

/// <summary>A fixed, seeded sample of record indices (the evaluation probe set, the omniscient attacker's sample).</summary>
public static class RecordSample
{
    /// <summary><paramref name="count"/> distinct indices of [0, <paramref name="total"/>) (all of them if count ≤ 0 or ≥ total), ascending.</summary>
    public static int[] Draw(int total, int count, in StreamKey key)
    {
        var all = Enumerable.Range(0, total).ToArray();
        if (count <= 0 || count >= total) return all;
        var s = new RandomStream(key);
        Partitioner.Shuffle(all, ref s);
        var sample = all[..count];
        Array.Sort(sample);
        return sample;
    }
}
