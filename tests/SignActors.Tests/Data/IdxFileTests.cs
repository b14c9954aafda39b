using System.IO.Compression;
using SignActors.Training.Data;
using Xunit;
using Xunit.Abstractions;

namespace SignActors.Tests.Data;

/// <summary>IDX files written byte by byte here (not by the production writer), raw and gzip, and every way they can be wrong.</summary>
public sealed class IdxFileTests(ITestOutputHelper output) : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("signactors-idx-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>magic 00 00 08 ndims, big-endian dimensions, then the bytes.</summary>
    static byte[] Idx(int[] dims, byte[] body)
    {
        var bytes = new List<byte> { 0, 0, 8, (byte)dims.Length };
        foreach (int d in dims) bytes.AddRange(new[] { (byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d });
        bytes.AddRange(body);
        return bytes.ToArray();
    }

    static byte[] Gzip(byte[] raw)
    {
        using var memory = new MemoryStream();
        using (var gz = new GZipStream(memory, CompressionLevel.Optimal)) gz.Write(raw);
        return memory.ToArray();
    }

    /// <summary>n images of h×w where pixel (i, y, x) = (7i + 3y + x) mod 256, label (i · 3) mod 10.</summary>
    static (byte[] Images, byte[] Labels) Set(int n, int h, int w)
    {
        var pixels = new byte[n * h * w];
        for (int i = 0; i < n; i++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) pixels[(i * h + y) * w + x] = (byte)((7 * i + 3 * y + x) % 256);
        return (Idx(new[] { n, h, w }, pixels), Idx(new[] { n }, Enumerable.Range(0, n).Select(i => (byte)(i * 3 % 10)).ToArray()));
    }

    void WriteDirectory(bool gzip, int trainCount = 12, int testCount = 5, int h = 4, int w = 3)
    {
        var (trainImages, trainLabels) = Set(trainCount, h, w);
        var (testImages, testLabels) = Set(testCount, h, w);
        foreach (var (name, bytes) in new[] { (IdxFile.TrainImages, trainImages), (IdxFile.TrainLabels, trainLabels), (IdxFile.TestImages, testImages), (IdxFile.TestLabels, testLabels) })
            File.WriteAllBytes(Path.Combine(_directory, gzip ? name + ".gz" : name), gzip ? Gzip(bytes) : bytes);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Raw_and_gzip_files_read_as_one_channel_images_with_their_labels(bool gzip)
    {
        WriteDirectory(gzip);
        var (train, test) = IdxFile.ReadDirectory(_directory);
        Assert.Equal(12, train.Count);
        Assert.Equal(5, test.Count);
        Assert.Equal(new ImageShape(1, 4, 3), train.Shape);
        Assert.Equal(10, train.Classes); // labels 0..9 occur: (3i mod 10) for i < 12
        Assert.Equal(11 * 3 % 10, train.Label(11));
        Assert.Equal(new byte[] { 7 * 5 % 256, 7 * 5 + 1, 7 * 5 + 2, 7 * 5 + 3 }, train.Pixels(5)[..4].ToArray());
        Assert.Equal((byte)(7 * 4 + 3 * 3 + 2), test.Pixels(4)[11]);
    }

    [Fact]
    public void A_missing_file_names_it()
    {
        WriteDirectory(gzip: false);
        File.Delete(Path.Combine(_directory, IdxFile.TestLabels));
        var e = Assert.Throws<DataFileException>(() => IdxFile.ReadDirectory(_directory));
        Assert.Equal($"{Path.Combine(_directory, IdxFile.TestLabels)}[.gz]: file not found", e.Message);
    }

    [Fact]
    public void A_bad_magic_number_names_the_file_and_the_number()
    {
        WriteDirectory(gzip: false);
        string path = Path.Combine(_directory, IdxFile.TrainImages);
        var bytes = File.ReadAllBytes(path);
        bytes[2] = 0x0D; // float, not unsigned byte
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<DataFileException>(() => IdxFile.ReadDirectory(_directory));
        Assert.Equal($"{path}: bad magic number 0x00000D03 (expected 0x00000803: unsigned bytes in 3 dimension(s))", e.Message);
    }

    [Fact]
    public void Dimensions_that_disagree_with_the_size_are_an_error()
    {
        WriteDirectory(gzip: false);
        string path = Path.Combine(_directory, IdxFile.TrainImages);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^5]);
        var e = Assert.Throws<DataFileException>(() => IdxFile.ReadDirectory(_directory));
        Assert.Equal($"{path}: header says 12 × 4 × 3 = 144 data bytes, the file holds 139", e.Message);
    }

    [Fact]
    public void Images_and_labels_of_different_counts_are_an_error()
    {
        WriteDirectory(gzip: false);
        var (_, labels) = Set(11, 4, 3);
        File.WriteAllBytes(Path.Combine(_directory, IdxFile.TrainLabels), labels);
        var e = Assert.Throws<DataFileException>(() => IdxFile.ReadDirectory(_directory));
        Assert.Equal($"{Path.Combine(_directory, IdxFile.TrainLabels)}: holds 11 labels, {Path.Combine(_directory, IdxFile.TrainImages)} 12 images", e.Message);
    }

    [Fact]
    public void A_truncated_gzip_stream_is_an_error_naming_the_file()
    {
        WriteDirectory(gzip: true, trainCount: 400, h: 16, w: 16);
        string path = Path.Combine(_directory, IdxFile.TrainImages + ".gz");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<DataFileException>(() => IdxFile.ReadDirectory(_directory));
        Assert.StartsWith($"{path}: ", e.Message);
        Assert.Contains("truncated gzip stream", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Test_images_of_another_shape_are_an_error()
    {
        WriteDirectory(gzip: false);
        var (images, labels) = Set(5, 5, 3);
        File.WriteAllBytes(Path.Combine(_directory, IdxFile.TestImages), images);
        File.WriteAllBytes(Path.Combine(_directory, IdxFile.TestLabels), labels);
        var e = Assert.Throws<DataFileException>(() => IdxFile.ReadDirectory(_directory));
        Assert.Equal($"{Path.Combine(_directory, IdxFile.TestImages)}: images are 1×5×3, the training images ({Path.Combine(_directory, IdxFile.TrainImages)}) 1×4×3", e.Message);
    }

    /// <summary>The real package, when installed (apt-get install dataset-fashion-mnist); otherwise the check says it did not run.</summary>
    [Fact]
    public void Debians_fashion_mnist_loads_when_installed()
    {
        const string installed = "/usr/share/datasets/fashion-mnist";
        if (!Directory.Exists(installed))
        {
            output.WriteLine($"skipped the real-data check: {installed} is not installed (apt-get install dataset-fashion-mnist)");
            return;
        }
        var (train, test) = IdxFile.ReadDirectory(installed);
        Assert.Equal((60_000, 10_000), (train.Count, test.Count));
        Assert.Equal(new ImageShape(1, 28, 28), train.Shape);
        Assert.Equal(10, train.Classes);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(6_000, train.Labels().Count(l => l == c)));
        output.WriteLine($"Fashion-MNIST: {train.Count:N0} + {test.Count:N0} images, {train.Statistics}");
    }
}
