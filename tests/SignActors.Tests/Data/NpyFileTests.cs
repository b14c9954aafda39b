using System.IO.Compression;
using System.Text;
using SignActors.Training.Data;
using Xunit;

namespace SignActors.Tests.Data;

/// <summary>.npy files written byte by byte here, as NumPy lays them out (format versions 1.0, 2.0, 3.0).</summary>
public sealed class NpyFileTests
{
    static byte[] Npy(int major, string dict, byte[] data) => NpyBytes.Npy(major, dict, data);

    static NpyArray Parse(byte[] file, string name = "x.npy") => NpyFile.Read(new MemoryStream(file), name);

    [Fact]
    public void Version_1_uint8_images_in_c_order()
    {
        var a = Parse(Npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }", [1, 2, 3, 250, 251, 252]));
        Assert.Equal(NpyType.UInt8, a.Type);
        Assert.Equal(new[] { 2, 3 }, a.Shape);
        Assert.Equal(6, a.Count);
        Assert.Equal(251, a.Integer(4));
    }

    [Fact]
    public void Version_2_int64_labels_and_version_3_float32_with_a_utf8_header()
    {
        var labels = Parse(Npy(2, "{'descr': '<i8', 'fortran_order': False, 'shape': (3,), }", [.. BitConverter.GetBytes(7L), .. BitConverter.GetBytes(-1L), .. BitConverter.GetBytes(9L)]));
        Assert.Equal(new long[] { 7, -1, 9 }, Enumerable.Range(0, 3).Select(k => labels.Integer(k)));
        var images = Parse(Npy(3, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), 'note': 'é', }", [.. BitConverter.GetBytes(0.5f), .. BitConverter.GetBytes(-2f)]));
        Assert.Equal((NpyType.Float32, 2L), (images.Type, images.Count));
        Assert.Equal(-2f, BitConverter.ToSingle(images.Data, 4));
        var scalar = Parse(Npy(1, "{'descr': '<u2', 'fortran_order': False, 'shape': (), }", BitConverter.GetBytes((ushort)513)));
        Assert.Equal((1L, 513L), (scalar.Count, scalar.Integer(0)));
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (1,), }", "x.npy: stored in Fortran order")]
    [InlineData("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", "x.npy: big-endian elements (descr '>f4')")]
    [InlineData("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", "x.npy: an object array")]
    [InlineData("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", "x.npy: element type '<c8' is not one of")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", "x.npy: ends after 4 of its 8 bytes of elements (truncated)")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, }", "x.npy: its header has no 'shape'")]
    public void Refusals_are_one_line_naming_the_file(string dict, string expected)
    {
        var e = Assert.Throws<DataFileException>(() => Parse(Npy(1, dict, BitConverter.GetBytes(1f))));
        Assert.StartsWith(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Not_npy_and_an_unknown_version_are_refused()
    {
        Assert.StartsWith("x.npy: not an .npy file", Assert.Throws<DataFileException>(() => Parse(Encoding.ASCII.GetBytes("PK\x03\x04 not numpy"))).Message);
        var v4 = Npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (1,), }", [1]);
        v4[6] = 4;
        Assert.StartsWith("x.npy: .npy version 4.0; versions 1.0, 2.0 and 3.0 are read", Assert.Throws<DataFileException>(() => Parse(v4)).Message);
    }

    [Theory]
    [InlineData(CompressionLevel.NoCompression)]
    [InlineData(CompressionLevel.Optimal)]
    public void An_npz_archive_stored_or_deflated_gives_its_arrays_by_name(CompressionLevel level)
    {
        string path = Path.Combine(Path.GetTempPath(), $"signactors-{Guid.NewGuid():N}.npz");
        try
        {
            NpyBytes.WriteArchive(path, level, ("train_x", Npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }", [1, 2, 3, 4])),
                ("train_y", Npy(1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", [.. BitConverter.GetBytes(5), .. BitConverter.GetBytes(6)])));
            var arrays = NpyFile.ReadArchive(path);
            Assert.Equal(new[] { "train_x", "train_y" }, arrays.Keys.Order());
            Assert.Equal(4, arrays["train_x"].Integer(3));
            Assert.Equal(6, arrays["train_y"].Integer(1));
            Assert.Equal($"{path}:train_y.npy", arrays["train_y"].Source);
        }
        finally { File.Delete(path); }
    }
}
