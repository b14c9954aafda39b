namespace SignActors.Training.Data;

/// <summary>
/// The stand-in data of a run without data (an objective, whose f is a closed form): one-pixel
/// records labelled 0 and 1, so shards, minibatch schedules and evaluation keep their usual shape.
/// Nothing reads their values; a minibatch of B records is B draws of the gradient noise.
/// </summary>
public static class NoData
{
    /// <summary>Records in the stand-in training set: one for each of the most nodes a run may have.</summary>
    public const int Records = 100_000;

    public const string Source = "none (an objective)";

    public static (ImageSet Train, ImageSet Test) Sets() =>
        (new ImageSet(Source, new ImageShape(1, 1, 1), new byte[Records], Enumerable.Range(0, Records).Select(i => i & 1).ToArray()),
         new ImageSet(Source, new ImageShape(1, 1, 1), new byte[2], [0, 1]));
}
