using System.CommandLine;
using SignActors.Runtime.Cluster;
using SignActors.Runtime.Federation;

namespace SignActors.Host.Commands;

/// <summary>`signactors launch --config F`: this process's part taken from a job scheduler's environment (Slurm, or torchrun's variables).</summary>
public static class LaunchVerb
{
    public static Command Build(TextWriter stdout, Guard guard)
    {
        var config = new Option<string?>("--config") { Description = "HOCON file (the same for every task)" };
        var resume = new Option<string?>("--resume") { Description = "rank 0: continue from a checkpoint.bin written by the same config" };
        var hostname = new Option<string?>("--hostname") { Description = "a worker's own address (default: SLURMD_NODENAME, loopback when the server is on loopback, else the machine's name)" };
        var command = new Command("launch", "Take this process's part from the job scheduler's environment (Slurm's SLURM_PROCID / SLURM_NTASKS / SLURM_NODELIST, or RANK / WORLD_SIZE / MASTER_ADDR / MASTER_PORT): rank 0 is the server, every other rank a worker with an even share of the nodes.") { config, resume, hostname };
        command.SetAction(parse => guard(() =>
        {
            var env = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
            var place = SchedulerRanks.FromEnvironment(env);
            if (place.IsServer)
            {
                stdout.WriteLine($"launch ({place.Source}): rank 0 of {place.WorldSize}, the server");
                return ClusterRoles.RunServer(parse.GetValue(config), stdout, parse.GetValue(resume), c => ClusterSettings.ForLaunch(c, place, place.ServerHost));
            }
            var prepared = RunCommand.Prepare(parse.GetValue(config), stdout);
            var ids = SchedulerRanks.NodeShare(place.Rank, place.WorldSize, prepared.Settings.Contract.Nodes);
            string own = parse.GetValue(hostname) ?? SchedulerRanks.WorkerHost(place, env, System.Net.Dns.GetHostName());
            stdout.WriteLine($"launch ({place.Source}): rank {place.Rank} of {place.WorldSize}, a worker on {own}");
            return ClusterRoles.RunWorker(prepared, ids, ClusterSettings.ForLaunch(prepared.Config, place, own), stdout);
        }));
        return command;
    }
}
