using BenchmarkDotNet.Running;

namespace PrivateFl.Benchmarks;

internal static class Program
{
    // Micro-benchmarks: dotnet run -c Release --project bench/PrivateFl.Benchmarks -- --filter '*'
    // Whole rounds:     dotnet run -c Release --project bench/PrivateFl.Benchmarks -- round
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "round")
        {
            RoundBenchmark.Run(args[1..]);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
