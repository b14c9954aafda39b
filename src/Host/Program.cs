using System.CommandLine;
using System.Runtime.CompilerServices;
using SignActors.Host.Commands;
using SignActors.Training.Memory;

namespace SignActors.Host;

/// <summary>The `signactors` command: one verb per file in <c>Commands/</c>.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        // glibc is told to keep freed memory before anything allocates (SignActors.Training's module initializer).
        RuntimeHelpers.RunModuleConstructor(typeof(GlibcHeap).Module.ModuleHandle);
        return BuildCommand(Console.Out, Console.Error).Parse(args).Invoke();
    }

    public static RootCommand BuildCommand(TextWriter stdout, TextWriter stderr)
    {
        var guard = Guarded.By(stderr);
        var root = new RootCommand("SignActors: sign-based distributed training on Akka.NET actors and TorchSharp.");
        foreach (var verb in new[]
        {
            RunVerb.Build(stdout, guard),
            BenchVerb.Build(stdout, guard),
            BaselineVerb.Build(stdout, guard),
            ByzantineVerb.Build(stdout, guard),
            ExperimentVerb.Build(stdout, guard),
            PlotVerb.Build(stdout, guard),
            ServerVerb.Build(stdout, guard),
            WorkerVerb.Build(stdout, guard),
            LaunchVerb.Build(stdout, guard),
            CertsVerb.Build(stdout, guard),
        })
            root.Subcommands.Add(verb);
        return root;
    }
}
