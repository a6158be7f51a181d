#include <cstdio>
int main() { std::puts("orchestrator-cpp skeleton"); return 0; }
