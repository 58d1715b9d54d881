global using Orleans;
global using Orleans.Concurrency;
global using Orleans.Runtime;
global using OrleansConsistency.Grains.Interfaces.Deadlines;
