using System;
using System.Threading;

// GIL003: a recursive computation split by hand over two explicit threads.
// The fix is Parallel.Invoke over the same two halves.
public static class Sample
{
    public const int FullSize = 43;

    public static long Run() => Run(FullSize);

    public static long Run(int n)
    {
        long left = 0, right = 0;
        var first = new Thread(() => left = Fib(n - 1));
        var second = new Thread(() => right = Fib(n - 2));
        first.Start();
        second.Start();
        first.Join();
        second.Join();
        return left + right;
    }

    private static long Fib(int n) => n < 2 ? n : Fib(n - 1) + Fib(n - 2);
}

public static class Program
{
    public static void Main() => Console.WriteLine("fib(" + Sample.FullSize + ") = " + Sample.Run());
}
