using SignActors.Training.Data;
using Xunit;

namespace SignActors.Tests.Data;

[Collection("torch")]
public class MinibatchBuilderTests
{
    static Cifar100Set TwoRecords()
    {
        var records = new byte[2 * Cifar100Set.RecordBytes];
        records[0] = 3; records[1] = 17;
        records[Cifar100Set.RecordBytes] = 19; records[Cifar100Set.RecordBytes + 1] = 99;
        for (int k = 0; k < Cifar100Set.ImageBytes; k++) records[Cifar100Set.RecordBytes + 2 + k] = (byte)(k % 251);
        return Cifar100Set.FromRecords(records, "hand-made");
    }

    /// <summary>Mean and population std of pixel/255 over channel c of both records, written out.</summary>
    static (double Mean, double Std) Channel(int c)
    {
        var values = new List<double>();
        for (int k = 0; k < 1024; k++) { values.Add(0); values.Add((c * 1024 + k) % 251 / 255.0); }
        double mean = values.Average();
        return (mean, Math.Sqrt(values.Average(v => (v - mean) * (v - mean))));
    }

    [Fact]
    public void Pixels_are_normalised_per_channel_by_the_training_sets_statistics_and_labels_are_the_chosen_ones()
    {
        var set = TwoRecords().Images();
        using var builder = new MinibatchBuilder(4, set);
        var (images, labels) = builder.Build(set, new[] { 1, 0 });
        Assert.Equal(new long[] { 2, 3, 32, 32 }, images.shape);
        Assert.Equal(new long[] { 99, 17 }, labels.data<long>().ToArray());
        // Record 1, channel G (1), row 2, column 5 is byte (1024 + 2·32 + 5) mod 251.
        var (mean1, std1) = Channel(1);
        Assert.Equal((((1024 + 69) % 251) / 255.0 - mean1) / std1, images[0, 1, 2, 5].item<float>(), 4);
        var (mean2, std2) = Channel(2);
        Assert.Equal((0 - mean2) / std2, images[1, 2, 31, 31].item<float>(), 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.Build(set, new int[5]));

        var coarse = TwoRecords().Images(CifarLabels.Coarse);
        Assert.Equal(new long[] { 19, 3 }, builder.Build(coarse, new[] { 1, 0 }).Labels.data<long>().ToArray());
        Assert.Equal(20, coarse.Classes);
        Assert.Equal(100, set.Classes);
    }
}
