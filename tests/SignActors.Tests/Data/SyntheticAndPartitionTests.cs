using SignActors.Training.Data;
using Xunit;

namespace SignActors.Tests.Data;

public sealed class SyntheticCifar100Tests : IDisposable
{
    readonly string _cache = Directory.CreateTempSubdirectory("signactors-cache-").FullName;

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    [Fact]
    public void The_same_seed_gives_the_same_bytes_and_another_seed_does_not()
    {
        var spec = new SyntheticSpec(7, 3, 1);
        var a = SyntheticCifar100.Generate(spec, 1);
        Assert.Equal(a, SyntheticCifar100.Generate(spec, 1));
        Assert.NotEqual(a, SyntheticCifar100.Generate(spec with { Seed = 8 }, 1));
        Assert.NotEqual(a[..(100 * 3074)], SyntheticCifar100.Generate(spec with { TrainPerClass = 1 }, 2)); // test split differs from train
    }

    [Fact]
    public void Records_cycle_through_the_fine_classes_with_five_per_coarse_group()
    {
        var set = Cifar100Set.FromRecords(SyntheticCifar100.Generate(new SyntheticSpec(1, 2, 1), 1), "synthetic");
        Assert.Equal(200, set.Count);
        for (int i = 0; i < set.Count; i++)
        {
            Assert.Equal(i % 100, set.FineLabel(i));
            Assert.Equal(i % 100 / 5, set.CoarseLabel(i));
        }
    }

    [Fact]
    public void Images_of_a_class_are_closer_to_each_other_than_to_other_classes()
    {
        var set = Cifar100Set.FromRecords(SyntheticCifar100.Generate(new SyntheticSpec(1, 20, 1), 1), "synthetic");
        double Distance(int i, int j)
        {
            var a = set.Pixels(i); var b = set.Pixels(j);
            double sum = 0;
            for (int k = 0; k < a.Length; k++) sum += (a[k] - b[k]) * (a[k] - b[k]);
            return Math.Sqrt(sum);
        }
        // Class-mean images: records c, c+100, … are class c.
        double within = 0, across = 0;
        int pairs = 0;
        for (int c = 0; c < 100; c += 7)
            for (int k = 1; k < 20; k++)
            {
                within += Distance(c, c + 100 * k);
                across += Distance(c, (c + 1 + k) % 100 + 100 * k);
                pairs++;
            }
        Assert.True(within / pairs < 0.9 * across / pairs, $"within {within / pairs:F0}, across {across / pairs:F0}");
        // …but not trivially: images of one class are far from identical.
        Assert.True(within / pairs > 0.4 * across / pairs, $"within {within / pairs:F0}, across {across / pairs:F0}");
    }

    [Fact]
    public void Load_or_create_writes_once_then_reuses_the_cache_and_regenerates_a_damaged_one()
    {
        var spec = new SyntheticSpec(3, 2, 1);
        var log = new List<string>();
        var (train, test) = SyntheticCifar100.LoadOrCreate(spec, _cache, log.Add);
        Assert.Equal(200, train.Count);
        Assert.Equal(100, test.Count);
        Assert.Contains("generating", log[^1]);
        string trainPath = Path.Combine(_cache, spec.DirectoryName, "train.bin");
        var written = File.GetLastWriteTimeUtc(trainPath);

        SyntheticCifar100.LoadOrCreate(spec, _cache, log.Add);
        Assert.Contains("using cached", log[^1]);
        Assert.Equal(written, File.GetLastWriteTimeUtc(trainPath));

        File.WriteAllBytes(trainPath, new byte[100]);
        var (again, _) = SyntheticCifar100.LoadOrCreate(spec, _cache, log.Add);
        Assert.Contains(log, l => l.Contains("unusable"));
        Assert.Equal(train.Bytes.ToArray(), again.Bytes.ToArray());
    }
}

public class PartitionTests
{
    static readonly int[] Labels = Enumerable.Range(0, 5000).Select(i => i % 100).ToArray();

    static void AssertEveryRecordExactlyOnce(Shard[] shards)
    {
        var all = shards.SelectMany(s => s.Records).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, Labels.Length), all);
    }

    [Fact]
    public void Iid_deals_every_record_once_in_nearly_equal_shards()
    {
        var shards = Partitioner.Assign(Labels, 100, 8, PartitionSpec.Iid, 1);
        AssertEveryRecordExactlyOnce(shards);
        Assert.All(shards, s => Assert.InRange(s.Records.Length, 625, 625));
        Assert.All(shards, s => Assert.True(s.Classes.Length > 90));
    }

    [Theory]
    [InlineData(8, 13)] [InlineData(10, 10)] [InlineData(4, 40)] [InlineData(3, 100)]
    public void Label_skew_gives_each_node_exactly_k_classes_and_every_record_to_one_node(int nodes, int k)
    {
        var shards = Partitioner.Assign(Labels, 100, nodes, PartitionSpec.LabelSkew(k), 2);
        AssertEveryRecordExactlyOnce(shards);
        Assert.All(shards, s => Assert.Equal(k, s.Classes.Length));
        Assert.All(shards, s => Assert.All(s.Records, r => Assert.Contains(Labels[r], s.Classes)));
    }

    [Fact]
    public void Label_skew_that_cannot_cover_every_class_is_a_clear_error()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Partitioner.Assign(Labels, 100, 8, PartitionSpec.LabelSkew(10), 1));
        Assert.Contains("8 nodes × 10 classes-per-node = 80 < 100 classes", e.Message);
        Assert.Contains("≥ 13", e.Message);
    }

    [Fact]
    public void Dirichlet_with_small_alpha_is_more_skewed_than_with_large_alpha()
    {
        // Skew statistic: mean over nodes of the largest class's share of the node's records.
        static double Skew(Shard[] shards) => shards.Where(s => s.Records.Length > 0)
            .Average(s => s.Records.GroupBy(r => Labels[r]).Max(g => g.Count()) / (double)s.Records.Length);
        var small = Partitioner.Assign(Labels, 100, 8, PartitionSpec.Dirichlet(0.1), 3);
        var large = Partitioner.Assign(Labels, 100, 8, PartitionSpec.Dirichlet(100), 3);
        AssertEveryRecordExactlyOnce(small);
        AssertEveryRecordExactlyOnce(large);
        Assert.True(Skew(small) > 3 * Skew(large), $"skew α=0.1: {Skew(small):F3}, α=100: {Skew(large):F3}");
        Assert.True(small.Average(s => s.Classes.Length) < 0.7 * large.Average(s => s.Classes.Length));
    }

    [Fact]
    public void The_same_seed_gives_the_same_shards_and_another_seed_other_shards()
    {
        foreach (var spec in new[] { PartitionSpec.Iid, PartitionSpec.LabelSkew(20), PartitionSpec.Dirichlet(0.5) })
        {
            var a = Partitioner.Assign(Labels, 100, 6, spec, 11);
            var b = Partitioner.Assign(Labels, 100, 6, spec, 11);
            var c = Partitioner.Assign(Labels, 100, 6, spec, 12);
            Assert.Equal(a.Select(s => s.Records), b.Select(s => s.Records));
            Assert.NotEqual(a.Select(s => s.Records), c.Select(s => s.Records));
        }
    }
}
