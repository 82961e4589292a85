using BenchmarkDotNet.Running;

namespace PrivateFl.Benchmarks;

internal static class Program
{
    // dotnet run -c Release --project bench/PrivateFl.Benchmarks -- --filter '*'
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
