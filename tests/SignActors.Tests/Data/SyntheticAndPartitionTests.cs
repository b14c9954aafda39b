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
        var shards = Partitioner.Assign(Labels, 8, PartitionSpec.Iid, 1);
        AssertEveryRecordExactlyOnce(shards);
        Assert.All(shards, s => Assert.InRange(s.Records.Length, 625, 625));
        Assert.All(shards, s => Assert.True(s.Classes.Length > 90));
    }

    [Theory]
    [InlineData(8, 13)] [InlineData(10, 10)] [InlineData(4, 40)] [InlineData(3, 100)]
    public void Label_skew_gives_each_node_exactly_k_classes_and_every_record_to_one_node(int nodes, int k)
    {
        var shards = Partitioner.Assign(Labels, nodes, PartitionSpec.LabelSkew(k), 2);
        AssertEveryRecordExactlyOnce(shards);
        Assert.All(shards, s => Assert.Equal(k, s.Classes.Length));
        Assert.All(shards, s => Assert.All(s.Records, r => Assert.Contains(Labels[r], s.Classes)));
    }

    [Fact]
    public void Label_skew_that_cannot_cover_every_class_is_a_clear_error()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Partitioner.Assign(Labels, 8, PartitionSpec.LabelSkew(10), 1));
        Assert.Contains("8 nodes × 10 classes-per-node = 80 < 100 classes present", e.Message);
        Assert.Contains("≥ 13", e.Message);
    }

    [Fact]
    public void Dirichlet_with_small_alpha_is_more_skewed_than_with_large_alpha()
    {
        // Skew statistic: mean over nodes of the largest class's share of the node's records.
        static double Skew(Shard[] shards) => shards.Where(s => s.Records.Length > 0)
            .Average(s => s.Records.GroupBy(r => Labels[r]).Max(g => g.Count()) / (double)s.Records.Length);
        var small = Partitioner.Assign(Labels, 8, PartitionSpec.Dirichlet(0.1), 3);
        var large = Partitioner.Assign(Labels, 8, PartitionSpec.Dirichlet(100), 3);
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
            var a = Partitioner.Assign(Labels, 6, spec, 11);
            var b = Partitioner.Assign(Labels, 6, spec, 11);
            var c = Partitioner.Assign(Labels, 6, spec, 12);
            Assert.Equal(a.Select(s => s.Records), b.Select(s => s.Records));
            Assert.NotEqual(a.Select(s => s.Records), c.Select(s => s.Records));
        }
    }
}

/// <summary>Partitions over the classes actually present (a 10-class set, labels that skip values), shards, and the validation split.</summary>
public class PresentClassesPartitionTests
{
    /// <summary>A 10-class set of 2,000 records, as Fashion-MNIST's labels are.</summary>
    static readonly int[] Ten = Enumerable.Range(0, 2000).Select(i => i * 7 % 10).ToArray();

    [Fact]
    public void Label_skew_with_two_classes_per_node_works_on_a_ten_class_set()
    {
        var shards = Partitioner.Assign(Ten, 8, PartitionSpec.LabelSkew(2), 1);
        Assert.Equal(Enumerable.Range(0, 2000), shards.SelectMany(s => s.Records).Order());
        Assert.All(shards, s => Assert.Equal(2, s.Classes.Length));
        Assert.All(shards, s => Assert.All(s.Records, r => Assert.Contains(Ten[r], s.Classes)));
        // auto = ceil(10 / 8) = 2
        Assert.All(Partitioner.Assign(Ten, 8, PartitionSpec.LabelSkew(0), 1), s => Assert.Equal(2, s.Classes.Length));
    }

    [Fact]
    public void Label_skew_asking_for_more_classes_than_present_is_a_clear_error()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Partitioner.Assign(Ten, 8, PartitionSpec.LabelSkew(13), 1));
        Assert.StartsWith("label-skew: classes-per-node = 13, but the training data has only 10 classes", e.Message);
    }

    [Fact]
    public void Labels_that_skip_values_count_only_the_classes_present()
    {
        var sparse = Enumerable.Range(0, 300).Select(i => new[] { 3, 40, 97 }[i % 3]).ToArray();
        var shards = Partitioner.Assign(sparse, 3, PartitionSpec.LabelSkew(1), 5);
        Assert.Equal(new[] { 3, 40, 97 }, shards.SelectMany(s => s.Classes).Order());
        Assert.All(shards, s => Assert.Equal(100, s.Records.Length));
    }

    [Fact]
    public void Shards_sort_by_label_and_give_each_node_s_equal_shards()
    {
        var shards = Partitioner.Assign(Ten, 8, PartitionSpec.Shards(2), 3);
        Assert.Equal(Enumerable.Range(0, 2000), shards.SelectMany(s => s.Records).Order());
        Assert.All(shards, s => Assert.Equal(250, s.Records.Length)); // 16 shards of 125
        // 200 records per class and shards of 125 records: a shard spans at most 2 classes, so a node at most 4.
        Assert.All(shards, s => Assert.InRange(s.Classes.Length, 1, 4));
        Assert.True(shards.Average(s => s.Classes.Length) < 4);
        Assert.Equal(shards.Select(s => s.Records), Partitioner.Assign(Ten, 8, PartitionSpec.Shards(2), 3).Select(s => s.Records));
    }

    [Fact]
    public void The_validation_split_is_stratified_disjoint_seeded_and_never_dealt_to_a_node()
    {
        var split = ValidationSplit.Hold(Ten, 0.1, 7);
        Assert.Equal(200, split.Validation.Length);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(20, split.Validation.Count(r => Ten[r] == c)));
        Assert.Empty(split.Training.Intersect(split.Validation));
        Assert.Equal(Enumerable.Range(0, 2000), split.Training.Concat(split.Validation).Order());
        Assert.Equal(split.Validation, ValidationSplit.Hold(Ten, 0.1, 7).Validation);
        Assert.NotEqual(split.Validation, ValidationSplit.Hold(Ten, 0.1, 8).Validation);

        var shards = Partitioner.Assign(Ten, 4, PartitionSpec.Dirichlet(0.3), 7, split.Training);
        Assert.Equal(split.Training, shards.SelectMany(s => s.Records).Order());
        Assert.Empty(ValidationSplit.Hold(Ten, 0, 7).Validation);
    }
}

public class NaturalPartitionTests
{
    [Fact]
    public void One_node_per_client_in_ascending_id_order_holding_exactly_its_records()
    {
        int[] labels = { 0, 1, 2, 0, 1, 2, 0, 1 };
        long[] clients = { 42, 7, 42, 1000, 7, 7, 42, -3 };
        var shards = Partitioner.Natural(labels, clients);
        Assert.Equal(4, Partitioner.NaturalNodes(clients));
        // ids ascending: −3 → node 0, 7 → node 1, 42 → node 2, 1000 → node 3
        Assert.Equal(new[] { 7 }, shards[0].Records);
        Assert.Equal(new[] { 1, 4, 5 }, shards[1].Records);
        Assert.Equal(new[] { 0, 2, 6 }, shards[2].Records);
        Assert.Equal(new[] { 3 }, shards[3].Records);
        Assert.Equal(new[] { 1, 2 }, shards[1].Classes);
        Assert.Equal(new[] { 0, 1, 2, 3 }, shards.Select(s => s.Node));
    }

    [Fact]
    public void Held_out_records_stay_out_and_a_client_left_empty_is_one_line()
    {
        int[] labels = { 0, 1, 0, 1 };
        long[] clients = { 5, 5, 9, 9 };
        var shards = Partitioner.Natural(labels, clients, eligible: new[] { 0, 2, 3 });
        Assert.Equal(new[] { 0 }, shards[0].Records);
        Assert.Equal(new[] { 2, 3 }, shards[1].Records);
        var e = Assert.Throws<DataFileException>(() => Partitioner.Natural(labels, clients, eligible: new[] { 0, 1 }));
        Assert.Equal("client id 9 (node 1) has no training records left after the validation split", e.Message);
        Assert.Contains("3 client ids for 4 training records", Assert.Throws<DataFileException>(() => Partitioner.Natural(labels, new long[] { 1, 2, 3 })).Message);
    }
}
