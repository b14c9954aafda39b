using System.IO.Compression;
using SignActors.Training.Data;
using Xunit;
using static SignActors.Tests.Data.NpyBytes;

namespace SignActors.Tests.Data;

/// <summary>NumPy data sets written byte by byte into temporary folders; expected pixels worked out by hand.</summary>
public sealed class NpyDataSetTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("signactors-npy-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    void Write(string name, byte[] file) => File.WriteAllBytes(Path.Combine(_directory, name + ".npy"), file);

    /// <summary>Two training images of 8 bytes 0..7 shaped (2, 2, 1, 2), labels int16 [1, 0]; one test image.</summary>
    void WriteBytes()
    {
        Write("train_x", Array("|u1", [2, 2, 1, 2], [0, 1, 2, 3, 4, 5, 6, 7]));
        Write("train_y", Array("<i2", [2], Int16s(1, 0)));
        Write("test_x", Array("|u1", [1, 2, 1, 2], [9, 8, 7, 6]));
        Write("test_y", Array("<i2", [1], Int16s(1)));
    }

    [Fact]
    public void Uint8_nchw_is_read_as_it_is_and_nhwc_is_made_planar()
    {
        WriteBytes();
        var (train, test) = NpyDataSet.Read(_directory, ImageLayout.Nchw);
        Assert.Equal((new ImageShape(2, 1, 2), 2, 2, false), (train.Shape, train.Count, train.Classes, train.IsFloat));
        Assert.Equal(new byte[] { 4, 5, 6, 7 }, train.Pixels(1).ToArray());
        Assert.Equal(new[] { 1, 0 }, train.Labels());
        Assert.Equal(new byte[] { 9, 8, 7, 6 }, test.Pixels(0).ToArray());

        // The same bytes as N×H×W×C: H = 2, W = 1, C = 2; image 0's pixels are (0, 1) and (2, 3),
        // so its channel planes are [0, 2] and [1, 3].
        (train, test) = NpyDataSet.Read(_directory, ImageLayout.Nhwc);
        Assert.Equal(new ImageShape(2, 2, 1), train.Shape);
        Assert.Equal(new byte[] { 0, 2, 1, 3 }, train.Pixels(0).ToArray());
        Assert.Equal(new byte[] { 4, 6, 5, 7 }, train.Pixels(1).ToArray());
        Assert.Equal(new byte[] { 9, 7, 8, 6 }, test.Pixels(0).ToArray());
    }

    [Theory]
    [InlineData(CompressionLevel.NoCompression)]
    [InlineData(CompressionLevel.Optimal)]
    public void Float32_images_from_an_npz_are_normalised_by_the_training_statistics(CompressionLevel level)
    {
        // One channel (N×H×W): images [0, 2] and [4, 6]; mean 3, variance (9 + 1 + 1 + 9)/4 = 5.
        WriteArchive(Path.Combine(_directory, "set.npz"), level,
            ("train_x", Array("<f4", [2, 1, 2], Floats(0, 2, 4, 6))), ("train_y", Array("<i8", [2, 1], Int64s(0, 3))),
            ("test_x", Array("<f4", [1, 1, 2], Floats(3, 3))), ("test_y", Array("<i8", [1], Int64s(2))),
            ("train_clients", Array("<u2", [2], [7, 0, 5, 0])));
        var (train, test) = NpyDataSet.Read(_directory, ImageLayout.Nchw);
        Assert.Equal((new ImageShape(1, 1, 2), 4, true), (train.Shape, train.Classes, train.IsFloat));
        Assert.Equal(new[] { 4f, 6f }, train.FloatPixels(1).ToArray());
        Assert.Equal(3f, train.Statistics.Mean[0]);
        Assert.Equal((float)Math.Sqrt(5), train.Statistics.Std[0]);
        using var builder = new MinibatchBuilder(2, train);
        var (images, labels) = builder.Build(train, [1]);
        Assert.Equal(new[] { (float)(1 / Math.Sqrt(5)), (float)(3 / Math.Sqrt(5)) }, images.data<float>().ToArray(), new FloatTolerance(1e-6f));
        Assert.Equal(3L, labels.data<long>()[0]);
        Assert.Equal(new long[] { 7, 5 }, NpyDataSet.ReadClients(_directory));
        Assert.Equal(2, NpyDataSet.CountClients(Path.Combine(_directory, "set.npz")));
        Assert.Equal(new[] { 0f, 0f }, builder.Build(test, [0]).Images.data<float>().ToArray());
    }

    [Fact]
    public void Arrays_that_are_not_images_labels_or_a_whole_set_are_one_line_naming_the_file()
    {
        string Refusal() => Assert.Throws<DataFileException>(() => NpyDataSet.Read(_directory, ImageLayout.Nchw)).Message;
        string x = Path.Combine(_directory, "train_x.npy"), y = Path.Combine(_directory, "train_y.npy");

        Assert.Equal($"{_directory}: holds neither train_x.npy, train_y.npy, test_x.npy, test_y.npy nor one .npz archive with those arrays", Refusal());
        WriteBytes();
        Write("train_x", Array("<f8", [2, 2, 1, 2], new byte[64]));
        Assert.Equal($"{x}: images are Float64; save them as uint8 pixels or float32 values (array.astype('float32'))", Refusal());
        Write("train_x", Array("|u1", [8], new byte[8]));
        Assert.Equal($"{x}: shape (8) is not N×H×W or N×C×H×W / N×H×W×C images", Refusal());
        Write("train_x", Array("|u1", [3, 2, 1, 2], new byte[12]));
        Assert.Equal($"{y}: holds 2 labels, {x} 3 images", Refusal());
        WriteBytes();
        Write("train_y", Array("<i2", [2], Int16s(1, -4)));
        Assert.Equal($"{y}: label -4 at record 1 is outside 0..99999", Refusal());
        Write("train_y", Array("<f4", [2], Floats(1, 0)));
        Assert.Equal($"{y}: holds Float32 values, not integers", Refusal());
        Write("train_y", Array("<i2", [2, 2], Int16s(1, 0, 1, 0)));
        Assert.Equal($"{y}: shape (2, 2) is not one column of labels", Refusal());

        foreach (var f in Directory.GetFiles(_directory)) File.Delete(f);
        string archive = Path.Combine(_directory, "a.npz");
        WriteArchive(archive, CompressionLevel.Optimal, ("train_x", Array("|u1", [1, 1, 1], [0])), ("train_y", Array("|u1", [1], [0])));
        Assert.Equal($"{archive}: has no test_x, test_y array (it holds train_x, train_y)", Refusal());
        WriteArchive(Path.Combine(_directory, "b.npz"), CompressionLevel.Optimal, ("test_x", Array("|u1", [1, 1, 1], [0])));
        Assert.Equal($"{_directory}: holds 2 .npz archives (a.npz, b.npz); point data.directory at one of them", Refusal());
        File.WriteAllBytes(archive, [1, 2, 3]);
        Assert.StartsWith($"{archive}: not a readable .npz (zip) archive", Assert.Throws<DataFileException>(() => NpyDataSet.Read(archive, ImageLayout.Nchw)).Message);
    }

    sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(float x) => 0;
    }
}
