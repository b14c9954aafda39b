using SignActors.Training.Randomness;

namespace SignActors.Training.Data;

/// <summary>
/// The validation records held out of the training set before partitioning (SPEC §8): per class,
/// the class's records in a seeded order (the run's Validation stream), the first
/// round(f · count) of them held out. No node trains on them; hyper-parameters are chosen on them,
/// never on the test set. A pure function of (labels, f, seed), so every host holds out the same records.
/// </summary>
public sealed record ValidationSplit(int[] Training, int[] Validation)
{
    public static ValidationSplit Hold(IReadOnlyList<int> labels, double fraction, ulong seed)
    {
        if (!(fraction >= 0 && fraction < 1)) throw new ArgumentOutOfRangeException(nameof(fraction), $"validation fraction must be in [0, 1), got {fraction}");
        var all = Enumerable.Range(0, labels.Count).ToArray();
        if (fraction == 0) return new ValidationSplit(all, Array.Empty<int>());
        var s = new RandomStream(StreamKey.ForRun(seed, StreamPurpose.Validation));
        var validation = new List<int>();
        foreach (var members in all.GroupBy(r => labels[r]).OrderBy(g => g.Key).Select(g => g.ToArray()))
        {
            Partitioner.Shuffle(members, ref s);
            validation.AddRange(members.Take((int)Math.Round(fraction * members.Length, MidpointRounding.AwayFromZero)));
        }
        var held = validation.ToArray();
        Array.Sort(held);
        var training = all.Except(held).ToArray(); // ascending: Except keeps the order of `all`
        if (training.Length == 0) throw new ArgumentOutOfRangeException(nameof(fraction), $"validation fraction {fraction} holds out every training record");
        return new ValidationSplit(training, held);
    }
}
