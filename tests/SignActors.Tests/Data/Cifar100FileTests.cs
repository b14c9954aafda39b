using SignActors.Training.Data;
using Xunit;

namespace SignActors.Tests.Data;

public sealed class Cifar100FileTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("signactors-data-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    static byte[] Records(int count, int seed)
    {
        var r = new Random(seed);
        var bytes = new byte[count * Cifar100Set.RecordBytes];
        r.NextBytes(bytes);
        for (int i = 0; i < count; i++)
        {
            bytes[i * Cifar100Set.RecordBytes] = (byte)(i % 20);
            bytes[i * Cifar100Set.RecordBytes + 1] = (byte)(i * 7 % 100);
        }
        return bytes;
    }

    [Fact]
    public void Write_then_read_round_trips_every_byte_and_label()
    {
        var records = Records(37, 1);
        string path = Path.Combine(_directory, "train.bin");
        Cifar100File.Write(path, records);
        Assert.Equal(37 * 3074, new FileInfo(path).Length);
        var set = Cifar100File.Read(path);
        Assert.Equal(37, set.Count);
        Assert.Equal(records, set.Bytes.ToArray());
        Assert.Equal(36 * 7 % 100, set.FineLabel(36));
        Assert.Equal(36 % 20, set.CoarseLabel(36));
        Assert.Equal(records.AsSpan(5 * 3074 + 2, 3072).ToArray(), set.Pixels(5).ToArray());
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp")); // the temporary file is gone
    }

    [Fact]
    public void A_missing_file_names_the_file()
    {
        string path = Path.Combine(_directory, "nope.bin");
        var e = Assert.Throws<DataFileException>(() => Cifar100File.Read(path));
        Assert.Equal($"{path}: file not found", e.Message);
    }

    [Fact]
    public void A_truncated_file_says_how_many_bytes_are_over()
    {
        string path = Path.Combine(_directory, "train.bin");
        File.WriteAllBytes(path, Records(3, 2)[..(2 * 3074 + 1000)]);
        var e = Assert.Throws<DataFileException>(() => Cifar100File.Read(path));
        Assert.StartsWith($"{path}: 7,148 bytes is not a whole number of 3,074-byte CIFAR-100 records (2 records and 1,000 bytes over", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void An_empty_file_holds_no_records()
    {
        string path = Path.Combine(_directory, "test.bin");
        File.WriteAllBytes(path, Array.Empty<byte>());
        Assert.Equal($"{path}: holds no records", Assert.Throws<DataFileException>(() => Cifar100File.Read(path)).Message);
    }

    [Theory]
    [InlineData(0, 20, "coarse label 20 (must be < 20)")]
    [InlineData(1, 100, "fine label 100 (must be < 100)")]
    [InlineData(1, 255, "fine label 255 (must be < 100)")]
    public void A_label_out_of_range_names_the_record(int offset, int value, string expected)
    {
        var records = Records(4, 3);
        records[2 * 3074 + offset] = (byte)value;
        string path = Path.Combine(_directory, "train.bin");
        File.WriteAllBytes(path, records);
        Assert.Equal($"{path}: record 2 has {expected}", Assert.Throws<DataFileException>(() => Cifar100File.Read(path)).Message);
    }

    [Fact]
    public void A_directory_without_the_files_names_what_is_missing()
    {
        string missing = Path.Combine(_directory, "cifar-100-binary");
        Assert.Contains("data directory not found", Assert.Throws<DataFileException>(() => Cifar100File.ReadDirectory(missing)).Message);
        Directory.CreateDirectory(missing);
        Cifar100File.Write(Path.Combine(missing, "train.bin"), Records(2, 4));
        Assert.Equal($"{Path.Combine(missing, "test.bin")}: file not found", Assert.Throws<DataFileException>(() => Cifar100File.ReadDirectory(missing)).Message);
    }

    [Fact]
    public void Writing_over_an_existing_file_replaces_it_whole()
    {
        string path = Path.Combine(_directory, "train.bin");
        Cifar100File.Write(path, Records(5, 5));
        var second = Records(2, 6);
        Cifar100File.Write(path, second);
        Assert.Equal(second, File.ReadAllBytes(path));
    }
}
