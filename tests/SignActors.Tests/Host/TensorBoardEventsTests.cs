using System.Globalization;
using SignActors.Server.Metrics;
using Tensorboard;
using Xunit;

namespace SignActors.Tests.Host;

/// <summary>
/// TensorBoard's event files, read back the way TensorBoard reads them: TFRecord framing with
/// masked CRC-32C checked by a bitwise CRC written here, then the Event protos.
/// </summary>
[Collection("host-runs")]
public class TensorBoardEventsTests
{
    /// <summary>CRC-32C bit by bit (reflected polynomial 0x82F63B78): independent of the writer's table-free instruction path.</summary>
    static uint Crc32CBitwise(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        return ~crc;
    }

    static uint Masked(ReadOnlySpan<byte> data)
    {
        uint crc = Crc32CBitwise(data);
        return ((crc >> 15) | (crc << 17)) + 0xa282ead8u;
    }

    /// <summary>Every record of an event file; a bad checksum or a truncated record fails the test.</summary>
    internal static List<Event> Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var events = new List<Event>();
        for (int at = 0; at < bytes.Length;)
        {
            Assert.True(at + 12 <= bytes.Length, $"truncated header at byte {at}");
            ulong length = BitConverter.ToUInt64(bytes, at);
            Assert.Equal(Masked(bytes.AsSpan(at, 8)), BitConverter.ToUInt32(bytes, at + 8));
            int body = at + 12;
            Assert.True(body + (long)length + 4 <= bytes.Length, $"truncated record at byte {at}");
            Assert.Equal(Masked(bytes.AsSpan(body, (int)length)), BitConverter.ToUInt32(bytes, body + (int)length));
            events.Add(Event.Parser.ParseFrom(bytes, body, (int)length));
            at = body + (int)length + 4;
        }
        return events;
    }

    [Fact]
    public void Crc32C_gives_the_standard_check_value()
    {
        var check = "123456789"u8;
        Assert.Equal(0xE3069283u, Crc32CBitwise(check)); // the published CRC-32C check value
        Assert.Equal(0xE3069283u, TensorBoardEvents.Crc32C(check));
        Assert.Equal(0u, TensorBoardEvents.Crc32C([]));
    }

    [Fact]
    public void A_run_writes_every_metrics_column_at_every_round_and_evaluations_on_evaluation_rounds()
    {
        string runs = Path.Combine(Path.GetTempPath(), $"signactors-tb-{Guid.NewGuid():N}");
        string config = Path.Combine(Path.GetTempPath(), $"signactors-{Guid.NewGuid():N}.conf");
        File.WriteAllText(config, $$"""
            signactors {
              nodes = 3
              rounds = 4
              evaluation { every = 2, probe-records = 50 }
              model.name = mlp
              data { cache-directory = "{{Path.Combine(Path.GetTempPath(), "signactors-test-cache")}}", synthetic { train-per-class = 3, test-per-class = 1 } }
              data.validation = 0.2
              output.directory = "{{runs}}"
            }
            """);
        var (code, output, error) = CommandTests.Run("run", config);
        Assert.True(code == 0, output + error);
        string directory = Assert.Single(Directory.GetDirectories(runs));
        var events = Read(Assert.Single(Directory.GetFiles(directory, "events.out.tfevents.*")));

        Assert.Equal("brain.Event:2", events[0].FileVersion);
        var scalars = events.Skip(1).ToDictionary(e => e.Step, e => e.Summary.Value.ToDictionary(v => v.Tag, v => v.SimpleValue));
        var csv = File.ReadAllLines(Path.Combine(directory, "metrics.csv"));
        var columns = csv[0].Split(',');
        Assert.Equal(new long[] { 1, 2, 3, 4 }, scalars.Keys.Order());
        foreach (var line in csv.Skip(1))
        {
            var cells = line.Split(',');
            var row = scalars[long.Parse(cells[0], CultureInfo.InvariantCulture)];
            for (int c = 1; c < columns.Length; c++)
            {
                var tagged = row.Where(kv => kv.Key.EndsWith("/" + columns[c], StringComparison.Ordinal)).ToArray();
                if (cells[c].Length == 0) { Assert.Empty(tagged); continue; }
                var (_, value) = Assert.Single(tagged);
                double expected = double.Parse(cells[c], CultureInfo.InvariantCulture);
                if (RoundMetrics.TimingColumns.Contains(columns[c])) Assert.Equal(expected, value, 0.0005 + Math.Abs(expected) * 1e-6); // the csv keeps 3 decimals
                else Assert.Equal((float)expected, value);
            }
        }
        Assert.Contains("eval/test_accuracy", scalars[2].Keys);
        Assert.Contains("eval/val_accuracy", scalars[4].Keys);
        Assert.DoesNotContain("eval/test_accuracy", scalars[3].Keys);
        Assert.True(events.Skip(1).All(e => e.WallTime > 1.7e9 && e.WallTime < 4e9), "wall time is Unix seconds");
        Directory.Delete(runs, recursive: true);
    }

    [Fact]
    public void A_resumed_run_starts_a_session_after_its_checkpoint_round_so_TensorBoard_drops_the_stopped_runs_later_points()
    {
        string directory = Directory.CreateTempSubdirectory("signactors-tb-").FullName;
        string path;
        using (var events = new TensorBoardEvents(directory, resumedAfter: 7)) path = events.Path;
        var read = Read(path);
        Assert.Equal(2, read.Count);
        Assert.Equal(SessionLog.Types.SessionStatus.Start, read[1].SessionLog.Status);
        Assert.Equal(8, read[1].Step);
        Directory.Delete(directory, recursive: true);
    }
}
