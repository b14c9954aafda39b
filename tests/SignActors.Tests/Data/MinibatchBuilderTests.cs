using SignActors.Training.Data;
using Xunit;

namespace SignActors.Tests.Data;

[Collection("torch")]
public class MinibatchBuilderTests
{
    [Fact]
    public void Pixels_are_normalised_per_channel_and_labels_are_the_fine_labels()
    {
        var records = new byte[2 * Cifar100Set.RecordBytes];
        records[0] = 3; records[1] = 17;
        records[Cifar100Set.RecordBytes] = 19; records[Cifar100Set.RecordBytes + 1] = 99;
        for (int k = 0; k < Cifar100Set.ImageBytes; k++) records[Cifar100Set.RecordBytes + 2 + k] = (byte)(k % 251);
        var set = Cifar100Set.FromRecords(records, "hand-made");
        using var builder = new MinibatchBuilder(4);
        var (images, labels) = builder.Build(set, new[] { 1, 0 });
        Assert.Equal(new long[] { 2, 3, 32, 32 }, images.shape);
        Assert.Equal(new long[] { 99, 17 }, labels.data<long>().ToArray());
        // Record 1, channel G (1), row 2, column 5 is byte (1024 + 2·32 + 5) mod 251.
        int b = (1024 + 69) % 251;
        Assert.Equal((b / 255f - MinibatchBuilder.Mean[1]) / MinibatchBuilder.Std[1], images[0, 1, 2, 5].item<float>());
        Assert.Equal((0 - MinibatchBuilder.Mean[2]) / MinibatchBuilder.Std[2], images[1, 2, 31, 31].item<float>());
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.Build(set, new int[5]));
    }
}
