1 |f a b:2 |g c
-1 0.5 'tag1 |f a:0.25

2 zebra|f x
0 | a b
3 |f:2 a:3
